CREATE TABLE `t19` (`id` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
INSERT INTO `t19` (`id`) VALUES (1);
