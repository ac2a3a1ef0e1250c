CREATE TABLE `u` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text
);
--> statement-breakpoint
INSERT INTO `u` (`name`) VALUES ('café');
