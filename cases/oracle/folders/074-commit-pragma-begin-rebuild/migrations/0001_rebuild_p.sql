COMMIT TRANSACTION;--> statement-breakpoint
PRAGMA foreign_keys = OFF;--> statement-breakpoint
BEGIN TRANSACTION;--> statement-breakpoint
CREATE TABLE `__new_p` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`email` text DEFAULT '' NOT NULL
);--> statement-breakpoint
INSERT INTO `__new_p`("id", "name") SELECT "id", "name" FROM `p`;--> statement-breakpoint
DROP TABLE `p`;--> statement-breakpoint
ALTER TABLE `__new_p` RENAME TO `p`;--> statement-breakpoint
COMMIT TRANSACTION;--> statement-breakpoint
PRAGMA foreign_keys = ON;--> statement-breakpoint
BEGIN TRANSACTION;