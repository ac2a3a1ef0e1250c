CREATE TABLE `t` (`id` integer PRIMARY KEY NOT NULL, `v` text);--> statement-breakpoint
INSERT INTO `t` VALUES (1, 'one');--> statement-breakpoint
INSERT INTO `t` VALUES (2, 'two');