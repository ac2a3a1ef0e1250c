CREATE TABLE `t6` (`id` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
INSERT INTO `t6` (`id`) VALUES (1);
