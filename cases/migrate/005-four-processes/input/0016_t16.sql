CREATE TABLE `t16` (`id` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
INSERT INTO `t16` (`id`) VALUES (1);
