CREATE TABLE `u` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text
);
