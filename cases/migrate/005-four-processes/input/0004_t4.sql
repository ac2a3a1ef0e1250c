CREATE TABLE `t4` (`id` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
INSERT INTO `t4` (`id`) VALUES (1);
