-- Rebuild tasks so description becomes NOT NULL DEFAULT '' and add completed_at.
-- PRAGMA foreign_keys=OFF is a no-op inside the migrator's transaction, so
-- DROP TABLE tasks fires ON DELETE on its children: task_comments rows are
-- deleted (cascade) and agents.task_id is set to NULL. Keep copies of both
-- and put them back after the rename.
CREATE TABLE `__backup_task_comments` AS SELECT `id`, `task_id`, `author`, `body`, `created_at` FROM `task_comments`;--> statement-breakpoint
CREATE TABLE `__backup_agent_task_ids` AS SELECT `id`, `task_id` FROM `agents` WHERE `task_id` IS NOT NULL;--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`branch_name` text,
	`initiative_id` text,
	`completed_at` integer,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`initiative_id`) REFERENCES `initiatives`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
INSERT INTO `__new_tasks`("id", "project_id", "title", "description", "status", "created_at", "updated_at", "priority", "branch_name", "initiative_id", "completed_at") SELECT "id", "project_id", "title", coalesce("description", ''), "status", "created_at", "updated_at", "priority", "branch_name", "initiative_id", CASE WHEN "status" = 'done' THEN "updated_at" END FROM `tasks`;--> statement-breakpoint
DROP TABLE `tasks`;--> statement-breakpoint
ALTER TABLE `__new_tasks` RENAME TO `tasks`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `tasks_project_id_idx` ON `tasks` (`project_id`);--> statement-breakpoint
CREATE INDEX `tasks_status_idx` ON `tasks` (`status`);--> statement-breakpoint
CREATE INDEX `tasks_initiative_id_idx` ON `tasks` (`initiative_id`);--> statement-breakpoint
INSERT OR IGNORE INTO `task_comments` (`id`, `task_id`, `author`, `body`, `created_at`) SELECT `id`, `task_id`, `author`, `body`, `created_at` FROM `__backup_task_comments`;--> statement-breakpoint
UPDATE `agents` SET `task_id` = (SELECT b.`task_id` FROM `__backup_agent_task_ids` b WHERE b.`id` = `agents`.`id`) WHERE `id` IN (SELECT `id` FROM `__backup_agent_task_ids`);--> statement-breakpoint
DROP TABLE `__backup_task_comments`;--> statement-breakpoint
DROP TABLE `__backup_agent_task_ids`;
