CREATE TABLE `t` (`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL, `v` text);--> statement-breakpoint
INSERT INTO `t` (`v`) VALUES ('a'), ('b'), ('c');--> statement-breakpoint
DELETE FROM `t` WHERE `v` = 'c';