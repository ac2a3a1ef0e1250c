COMMIT TRANSACTION;--> statement-breakpoint
PRAGMA foreign_keys = OFF;--> statement-breakpoint
BEGIN TRANSACTION;--> statement-breakpoint
CREATE TABLE `__new_users` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`email` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_users`("id", "name") SELECT "id", "name" FROM `users`;--> statement-breakpoint
DROP TABLE `users`;--> statement-breakpoint
ALTER TABLE `__new_users` RENAME TO `users`;--> statement-breakpoint
COMMIT TRANSACTION;--> statement-breakpoint
PRAGMA foreign_keys = ON;--> statement-breakpoint
BEGIN TRANSACTION;
