CREATE TABLE `__posts_backup` AS SELECT * FROM `posts`;--> statement-breakpoint
DELETE FROM `posts`;--> statement-breakpoint
CREATE TABLE `users_new` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`email` text
);
--> statement-breakpoint
INSERT INTO `users_new` (`id`, `name`) SELECT `id`, `name` FROM `users`;--> statement-breakpoint
DROP TABLE `users`;--> statement-breakpoint
ALTER TABLE `users_new` RENAME TO `users`;--> statement-breakpoint
INSERT INTO `posts` SELECT * FROM `__posts_backup`;--> statement-breakpoint
DROP TABLE `__posts_backup`;
