CREATE TABLE `themes` (
	`name` text PRIMARY KEY NOT NULL
);--> statement-breakpoint
INSERT INTO `settings` (`key`, `value`) VALUES ('theme', ?1);--> statement-breakpoint
INSERT INTO `themes` VALUES ('dark');