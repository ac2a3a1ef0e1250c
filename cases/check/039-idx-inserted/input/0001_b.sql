CREATE TABLE `t_b` (
	`id` integer PRIMARY KEY NOT NULL
);
