CREATE TABLE `t` (
	`id` integer PRIMARY KEY NOT NULL
);--> statement-breakpoint
PRAGMA journal_mode=WAL;--> statement-breakpoint
INSERT INTO `t` VALUES (1);