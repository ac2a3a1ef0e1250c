CREATE TABLE IF NOT EXISTS `__drizzle_migrations` (
	`id` integer PRIMARY KEY,
	`hash` text NOT NULL,
	`created_at` numeric
);
