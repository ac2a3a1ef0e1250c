CREATE TABLE `tags` (
	`id` integer PRIMARY KEY NOT NULL,
	`post_id` integer NOT NULL,
	`name` text NOT NULL
);--> statement-breakpoint
INSERT INTO `tags` VALUES (1, 10, 'sql'), (2, 10, 'db'), (3, 20, 'node'), (4, 10, 'api'), (5, 20, 'c');