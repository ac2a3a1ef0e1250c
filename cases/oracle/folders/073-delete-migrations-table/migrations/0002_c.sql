CREATE TABLE `c` (
	`id` integer PRIMARY KEY NOT NULL
);