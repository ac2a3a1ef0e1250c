ALTER TABLE `posts` ADD `reviewer_id` integer DEFAULT 1 REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `posts` ADD `editor_id` integer DEFAULT (abs(1)) REFERENCES users(id) ON DELETE set null;
