CREATE TABLE `comments` (
	`id` integer PRIMARY KEY NOT NULL
);
