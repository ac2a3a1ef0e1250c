CREATE TABLE `t_a` (
	`id` integer PRIMARY KEY NOT NULL
);
