ALTER TABLE `t` ADD `created_at` integer DEFAULT (unixepoch()) NOT NULL;--> statement-breakpoint
ALTER TABLE `t` ADD `seen_at` text DEFAULT CURRENT_TIMESTAMP;--> statement-breakpoint
ALTER TABLE `t` ADD `kind` text DEFAULT "text" NOT NULL;--> statement-breakpoint
ALTER TABLE `t` ADD `one` integer DEFAULT (1) NOT NULL;
