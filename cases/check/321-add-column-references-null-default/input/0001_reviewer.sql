ALTER TABLE `posts` ADD `reviewer_id` integer DEFAULT NULL REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `posts` ADD `editor_id` integer REFERENCES users(id) ON UPDATE no action ON DELETE set default;--> statement-breakpoint
ALTER TABLE `posts` ADD `owner_id` integer REFERENCES users(id) ON DELETE set null;--> statement-breakpoint
ALTER TABLE `posts` ADD `score` integer DEFAULT 0 NOT NULL;
