-- Builds the starting database of this case (run by the oracle with
-- better-sqlite3 exec, so foreign keys are on).
CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (
				id SERIAL PRIMARY KEY,
				hash text NOT NULL,
				created_at numeric
			);
CREATE TABLE `a` (`id` integer);
INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES ('null-created-at', NULL);
INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES ('real-created-at', 1700000001500.5);
INSERT INTO "__drizzle_migrations" ("id", "hash", "created_at") VALUES (42, 'with-id', 1000);
