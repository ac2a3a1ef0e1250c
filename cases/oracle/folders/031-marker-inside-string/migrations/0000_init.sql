CREATE TABLE `t` (`v` text);--> statement-breakpoint
INSERT INTO `t` VALUES ('a --> statement-breakpoint b');