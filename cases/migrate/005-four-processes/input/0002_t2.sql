CREATE TABLE `t2` (`id` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
INSERT INTO `t2` (`id`) VALUES (1);
