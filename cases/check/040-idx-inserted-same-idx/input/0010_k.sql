CREATE TABLE `t_k` (
	`id` integer PRIMARY KEY NOT NULL
);
