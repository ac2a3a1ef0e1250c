-- Builds the starting database of this case (run by the oracle with
-- better-sqlite3 exec, so foreign keys are on).
CREATE TABLE "__drizzle_migrations" (id INTEGER PRIMARY KEY AUTOINCREMENT, hash text NOT NULL, created_at numeric);
INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES ('old', 1700000000500);
