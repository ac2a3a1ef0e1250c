CREATE TABLE `t` (
	`id` integer PRIMARY KEY NOT NULL,
	`note` text
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL
);
