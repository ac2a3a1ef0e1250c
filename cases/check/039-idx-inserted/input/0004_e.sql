CREATE TABLE `t_e` (
	`id` integer PRIMARY KEY NOT NULL
);
