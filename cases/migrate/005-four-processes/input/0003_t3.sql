CREATE TABLE `t3` (`id` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
INSERT INTO `t3` (`id`) VALUES (1);
