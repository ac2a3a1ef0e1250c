ALTER TABLE `t` ADD `rank` integer NOT NULL;--> statement-breakpoint
ALTER TABLE `t` ADD `score` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `t` ADD COLUMN `level` integer;
