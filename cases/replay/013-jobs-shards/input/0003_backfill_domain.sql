ALTER TABLE `users` ADD `domain` text;--> statement-breakpoint
UPDATE `users` SET `domain` = substr(`email`, instr(`email`, '@') + 1);--> statement-breakpoint
CREATE TABLE `__new_users` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`domain` text NOT NULL CHECK (`domain` LIKE '%.%')
);
--> statement-breakpoint
INSERT INTO `__new_users` SELECT "id", "name", "email", "domain" FROM `users`;--> statement-breakpoint
DROP TABLE `users`;--> statement-breakpoint
ALTER TABLE `__new_users` RENAME TO `users`;