CREATE TABLE `owners` (
	`id` integer PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE `pets` (
	`id` integer PRIMARY KEY NOT NULL,
	`owner_id` integer NOT NULL REFERENCES `owners`(`id`) DEFERRABLE INITIALLY DEFERRED
);
