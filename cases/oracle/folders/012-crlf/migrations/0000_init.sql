CREATE TABLE `t` (
	`id` integer PRIMARY KEY NOT NULL,
	`v` text
);
--> statement-breakpoint
INSERT INTO `t` VALUES (1, 'line1
line2');--> statement-breakpoint
CREATE INDEX `t_v` ON `t` (`v`);
