CREATE TABLE `p` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL
);--> statement-breakpoint
CREATE TABLE `c` (
	`id` integer PRIMARY KEY NOT NULL,
	`p_id` integer NOT NULL,
	`title` text NOT NULL,
	FOREIGN KEY (`p_id`) REFERENCES `p`(`id`) ON UPDATE no action ON DELETE cascade
);