-- Builds the starting database of this case (run by the oracle with
-- better-sqlite3 exec, so foreign keys are on).
CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (
				id SERIAL PRIMARY KEY,
				hash text NOT NULL,
				created_at numeric
			);
INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES ('933d0074e6495408c8161588001ecfcd5dc3dabc090e486b33f24331e5a71078', 1700000001000);
CREATE TABLE `jobs` (`id` integer PRIMARY KEY NOT NULL, `name` text);
INSERT INTO `jobs` VALUES (1, 'x');
