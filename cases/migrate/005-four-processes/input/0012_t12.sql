CREATE TABLE `t12` (`id` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
INSERT INTO `t12` (`id`) VALUES (1);
