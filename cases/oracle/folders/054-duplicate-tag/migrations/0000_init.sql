CREATE TABLE IF NOT EXISTS `t` (`id` integer);--> statement-breakpoint
INSERT INTO `t` VALUES (1);