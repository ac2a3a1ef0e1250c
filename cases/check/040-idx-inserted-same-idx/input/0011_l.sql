CREATE TABLE `t_l` (
	`id` integer PRIMARY KEY NOT NULL
);
