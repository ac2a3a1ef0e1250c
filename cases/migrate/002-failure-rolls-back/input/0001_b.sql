CREATE TABLE `u` (
	`id` integer PRIMARY KEY NOT NULL
);
--> statement-breakpoint
ALTER TABLE `nope` ADD `x` integer;
