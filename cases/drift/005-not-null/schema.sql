CREATE TABLE `posts` (
	`id` integer PRIMARY KEY NOT NULL,
	`author_id` integer NOT NULL,
	`title` text DEFAULT 'untitled' NOT NULL,
	`created_at` integer NOT NULL,
	`body` text,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "posts_title_nonempty" CHECK(length("posts"."title") > 0)
);

CREATE INDEX `posts_author_idx` ON `posts` (`author_id`);
CREATE INDEX `posts_titled_idx` ON `posts` (`title`) WHERE "posts"."title" <> 'untitled';
CREATE TABLE tags (
  post_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  weight REAL DEFAULT 1.5,
  FOREIGN KEY (post_id) REFERENCES posts(id) ON DELETE CASCADE ON UPDATE CASCADE,
  PRIMARY KEY (post_id, name)
);

CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`email` text DEFAULT '' NOT NULL
);

CREATE UNIQUE INDEX `users_email_unique_idx` ON `users` (`email`);
CREATE UNIQUE INDEX `users_name_email_uq` ON `users` (`name`,`email`);
