DELETE FROM `__drizzle_migrations` WHERE `created_at` < 0;--> statement-breakpoint
UPDATE `__drizzle_migrations` SET `hash` = lower(`hash`);
