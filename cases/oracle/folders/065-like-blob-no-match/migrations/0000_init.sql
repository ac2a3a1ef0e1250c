CREATE TABLE `files` (
	`id` integer PRIMARY KEY NOT NULL,
	`data` blob
);--> statement-breakpoint
INSERT INTO `files` VALUES (1, X'61626364'), (2, 'abcd'), (3, X'7A7A');--> statement-breakpoint
CREATE TABLE `matches` (
	`file_id` integer NOT NULL,
	`how` text NOT NULL
);