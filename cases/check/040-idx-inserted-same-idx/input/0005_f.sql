CREATE TABLE `t_f` (
	`id` integer PRIMARY KEY NOT NULL
);
