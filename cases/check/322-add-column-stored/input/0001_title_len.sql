ALTER TABLE `posts` ADD `title_len` integer GENERATED ALWAYS AS (length("title")) STORED;--> statement-breakpoint
ALTER TABLE `posts` ADD `title_upper` text GENERATED ALWAYS AS (upper("title")) VIRTUAL;--> statement-breakpoint
ALTER TABLE `posts` ADD `title_lower` text AS (lower("title"));
