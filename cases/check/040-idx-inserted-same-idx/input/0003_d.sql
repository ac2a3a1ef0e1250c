CREATE TABLE `t_d` (
	`id` integer PRIMARY KEY NOT NULL
);
