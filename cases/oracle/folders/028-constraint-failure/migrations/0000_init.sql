CREATE TABLE `u` (`id` integer PRIMARY KEY NOT NULL, `email` text NOT NULL);--> statement-breakpoint
CREATE UNIQUE INDEX `u_email` ON `u` (`email`);