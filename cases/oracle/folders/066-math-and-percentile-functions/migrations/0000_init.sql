CREATE TABLE `samples` (
	`id` integer PRIMARY KEY NOT NULL,
	`v` real NOT NULL
);--> statement-breakpoint
INSERT INTO `samples` VALUES (1, 1.0), (2, 2.0), (3, 10.0), (4, 4.0), (5, 7.5);--> statement-breakpoint
CREATE TABLE `stats` (
	`name` text PRIMARY KEY NOT NULL,
	`value`
);