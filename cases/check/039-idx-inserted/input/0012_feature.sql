CREATE TABLE `t_feature` (
	`id` integer PRIMARY KEY NOT NULL
);
