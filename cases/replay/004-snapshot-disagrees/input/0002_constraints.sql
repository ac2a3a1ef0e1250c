ALTER TABLE `users` ADD `nickname` text;--> statement-breakpoint
CREATE TABLE `tags` (
	`post_id` integer NOT NULL,
	`name` text NOT NULL,
	`weight` real DEFAULT 1.5,
	PRIMARY KEY(`post_id`, `name`),
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_name_email_uq` ON `users` (`name`,`email`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_posts` (
	`id` integer PRIMARY KEY NOT NULL,
	`author_id` integer NOT NULL,
	`title` text DEFAULT 'untitled' NOT NULL,
	`created_at` integer,
	`body` text,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "posts_title_nonempty" CHECK(length("__new_posts"."title") > 0)
);
--> statement-breakpoint
INSERT INTO `__new_posts`("id", "author_id", "title", "created_at", "body") SELECT "id", "author_id", "title", "created_at", "body" FROM `posts`;--> statement-breakpoint
DROP TABLE `posts`;--> statement-breakpoint
ALTER TABLE `__new_posts` RENAME TO `posts`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `posts_author_idx` ON `posts` (`author_id`);--> statement-breakpoint
CREATE INDEX `posts_titled_idx` ON `posts` (`title`) WHERE "posts"."title" <> 'untitled';