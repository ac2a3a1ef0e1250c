CREATE TABLE `a` (
	`id` integer PRIMARY KEY
);
--> statement-breakpoint
VACUUM INTO 'written-by-the-export.db';
