CREATE TABLE `t15` (`id` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
INSERT INTO `t15` (`id`) VALUES (1);
