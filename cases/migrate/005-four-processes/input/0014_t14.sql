CREATE TABLE `t14` (`id` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
INSERT INTO `t14` (`id`) VALUES (1);
