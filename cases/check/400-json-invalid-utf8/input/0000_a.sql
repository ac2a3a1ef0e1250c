CREATE TABLE `t` (
	`id` integer PRIMARY KEY NOT NULL
);
--> statement-breakpointé
CREATE TABLE `v` (`id` integer);
