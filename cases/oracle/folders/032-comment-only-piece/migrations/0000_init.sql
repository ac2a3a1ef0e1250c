CREATE TABLE `t` (`v` text);--> statement-breakpoint
-- drizzle-kit left only a comment here
--> statement-breakpoint
CREATE INDEX `t_v` ON `t` (`v`);