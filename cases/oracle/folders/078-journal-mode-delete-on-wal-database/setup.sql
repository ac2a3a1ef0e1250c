-- Builds the starting database of this case (run by the oracle with
-- better-sqlite3 exec, so foreign keys are on).
PRAGMA journal_mode=WAL;
