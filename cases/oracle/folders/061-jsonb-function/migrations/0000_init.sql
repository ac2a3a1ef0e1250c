CREATE TABLE `settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`raw` text NOT NULL
);--> statement-breakpoint
INSERT INTO `settings` VALUES (1, '{"theme":"dark","size":12}'), (2, '[1,2.5,null,true]'), (3, '"plain"');