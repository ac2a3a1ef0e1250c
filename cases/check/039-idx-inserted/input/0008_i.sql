CREATE TABLE `t_i` (
	`id` integer PRIMARY KEY NOT NULL
);
