-- Builds the starting database of this case (run by the oracle with
-- better-sqlite3 exec, so foreign keys are on).
CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (
				id SERIAL PRIMARY KEY,
				hash text NOT NULL,
				created_at numeric
			);
INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES ('ae559f9cc1218aa416082ec6286b73a084856e54f0e614abe186ddfb94c377a4', 1700000001000);
INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES ('manual-fix', NULL);
INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES ('5431cb83ede71c871517b42c3be8eeddd1c0e4f50c5086cea60094f9c48d8bd2', 1700000002000);
CREATE TABLE `a` (
	`id` integer PRIMARY KEY NOT NULL
);
CREATE TABLE `b` (
	`id` integer PRIMARY KEY NOT NULL
);
