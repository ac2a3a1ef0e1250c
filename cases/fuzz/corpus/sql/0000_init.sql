CREATE TABLE `t` (`id` integer PRIMARY KEY NOT NULL, `v` text);--> statement-breakpoint
INSERT INTO `t` VALUES (1, 'café ÿþ end');--> statement-breakpoint
INSERT INTO `t` VALUES (2, 'trunc â‚');