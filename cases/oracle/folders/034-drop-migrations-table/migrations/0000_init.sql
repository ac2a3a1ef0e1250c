CREATE TABLE `t` (`id` integer);--> statement-breakpoint
DROP TABLE `__drizzle_migrations`;