CREATE TABLE `t8` (`id` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
INSERT INTO `t8` (`id`) VALUES (1);
