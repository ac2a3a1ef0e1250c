CREATE TABLE `t` (`x` integer);--> statement-breakpoint
VACUUM;