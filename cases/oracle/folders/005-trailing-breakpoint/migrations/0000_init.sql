CREATE TABLE `t` (`id` integer PRIMARY KEY NOT NULL);--> statement-breakpoint
CREATE INDEX `t_idx` ON `t` (`id`);--> statement-breakpoint
