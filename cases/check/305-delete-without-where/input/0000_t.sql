CREATE TABLE `t` (
	`id` integer PRIMARY KEY NOT NULL,
	`note` text
);
--> statement-breakpoint
CREATE TABLE `cache` (
	`k` text PRIMARY KEY NOT NULL
);
