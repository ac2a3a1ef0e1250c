CREATE TABLE `t` (
	`id` integer PRIMARY KEY NOT NULL
);
