CREATE TABLE `t17` (`id` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
INSERT INTO `t17` (`id`) VALUES (1);
