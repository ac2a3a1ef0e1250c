CREATE TABLE `t13` (`id` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
INSERT INTO `t13` (`id`) VALUES (1);
