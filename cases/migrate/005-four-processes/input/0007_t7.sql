CREATE TABLE `t7` (`id` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
INSERT INTO `t7` (`id`) VALUES (1);
