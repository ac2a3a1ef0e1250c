CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY NOT NULL,
	`state` text NOT NULL
);--> statement-breakpoint
INSERT INTO `jobs` VALUES (1, 'new'), (2, 'new'), (3, 'done'), (4, 'new'), (5, 'new');