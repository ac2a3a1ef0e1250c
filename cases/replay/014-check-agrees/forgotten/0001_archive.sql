CREATE TABLE `__new_projects` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text DEFAULT 'unnamed' NOT NULL,
	`archived` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_projects`("id") SELECT "id" FROM `projects`;--> statement-breakpoint
DROP TABLE `tasks`;--> statement-breakpoint
DROP TABLE `projects`;--> statement-breakpoint
ALTER TABLE `__new_projects` RENAME TO `projects`;