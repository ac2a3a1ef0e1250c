CREATE TABLE `users_new` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`email` text
);
--> statement-breakpoint
INSERT INTO `users_new` (`id`, `name`) SELECT `id`, `name` FROM `users`;--> statement-breakpoint
DROP TABLE `users`;--> statement-breakpoint
ALTER TABLE `users_new` RENAME TO `users`;
