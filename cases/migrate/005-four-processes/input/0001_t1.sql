CREATE TABLE `t1` (`id` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
INSERT INTO `t1` (`id`) VALUES (1);
