CREATE TABLE `v` (`a`, `b` integer, `c` real, `d` text, `e` blob, `f` numeric);--> statement-breakpoint
INSERT INTO `v` VALUES (9223372036854775807, -9223372036854775808, 0.1, 'ünï €😀', x'00ff10', '12.0');--> statement-breakpoint
INSERT INTO `v` VALUES (-0.0, '42', 1e308, 'nul' || char(0) || 'inside', '', '1e3');--> statement-breakpoint
INSERT INTO `v` VALUES (1.0, 3.0, 5, 123, 4.5, 'abc');--> statement-breakpoint
PRAGMA user_version = 7;