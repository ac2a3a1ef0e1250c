CREATE TABLE `t_h` (
	`id` integer PRIMARY KEY NOT NULL
);
