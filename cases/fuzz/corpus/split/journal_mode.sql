INSERT INTO t VALUES (1);
--> statement-breakpoint
PRAGMA journal_mode=WAL