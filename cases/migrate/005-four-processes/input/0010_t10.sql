CREATE TABLE `t10` (`id` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
INSERT INTO `t10` (`id`) VALUES (1);
