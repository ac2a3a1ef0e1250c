CREATE TABLE `u` (`id` integer);--> statement-breakpointCREATE INDEX `u_id` ON `u` (`id`);
