CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text
);--> statement-breakpoint
INSERT INTO `settings` VALUES ('lang', 'en');