-- Builds the starting database of this case (run by the oracle with
-- better-sqlite3 exec, so foreign keys are on).
CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (
				id SERIAL PRIMARY KEY,
				hash text NOT NULL,
				created_at numeric
			);
INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES ('31b2d6de2f2b6c01dfe6bb1f2f4c4647be168443b877fc6632174325b1afe2c0', 1700000001000);
CREATE TABLE `p` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL
);
CREATE TABLE `c` (
	`id` integer PRIMARY KEY NOT NULL,
	`p_id` integer NOT NULL,
	`title` text NOT NULL,
	FOREIGN KEY (`p_id`) REFERENCES `p`(`id`) ON UPDATE no action ON DELETE cascade
);
INSERT INTO `p` VALUES (1, 'alice'), (2, 'bob');
INSERT INTO `c` VALUES (10, 1, 'a1'), (11, 1, 'a2'), (20, 2, 'b1');
