CREATE TABLE `t5` (`id` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
INSERT INTO `t5` (`id`) VALUES (1);
