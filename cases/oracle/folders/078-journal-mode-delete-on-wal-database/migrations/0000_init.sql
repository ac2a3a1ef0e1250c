CREATE TABLE `t` (
	`id` integer PRIMARY KEY NOT NULL
);--> statement-breakpoint
PRAGMA journal_mode=DELETE;--> statement-breakpoint
INSERT INTO `t` VALUES (1);