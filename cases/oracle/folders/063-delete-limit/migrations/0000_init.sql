CREATE TABLE `events` (
	`id` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL
);--> statement-breakpoint
INSERT INTO `events` VALUES (1, 'dup'), (2, 'keep'), (3, 'dup'), (4, 'dup');