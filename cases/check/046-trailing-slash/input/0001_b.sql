CREATE TABLE `u` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text
);
--> statement-breakpoint
DROP TABLE `t`;
