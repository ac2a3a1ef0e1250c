CREATE TABLE `t_c` (
	`id` integer PRIMARY KEY NOT NULL
);
