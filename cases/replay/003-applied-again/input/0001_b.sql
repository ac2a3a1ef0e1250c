DELETE FROM `__drizzle_migrations` WHERE `created_at` = 1700000005000;
