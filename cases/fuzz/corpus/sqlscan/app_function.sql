CREATE TABLE t(x, u text);
--> statement-breakpoint
INSERT INTO t(x) VALUES (1), (2);
