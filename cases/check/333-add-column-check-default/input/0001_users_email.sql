ALTER TABLE `posts` ADD `score` integer DEFAULT 0 NOT NULL CHECK (`score` > 0);
