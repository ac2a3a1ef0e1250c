COMMIT;
--> statement-breakpoint
CREATE TABLE `u` (
	`id` integer PRIMARY KEY NOT NULL
);
