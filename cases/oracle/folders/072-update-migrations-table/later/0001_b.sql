CREATE TABLE `b` (
	`id` integer PRIMARY KEY NOT NULL
);