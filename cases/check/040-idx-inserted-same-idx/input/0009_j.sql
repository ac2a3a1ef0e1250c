CREATE TABLE `t_j` (
	`id` integer PRIMARY KEY NOT NULL
);
