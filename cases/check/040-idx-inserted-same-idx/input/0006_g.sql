CREATE TABLE `t_g` (
	`id` integer PRIMARY KEY NOT NULL
);
