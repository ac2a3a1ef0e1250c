CREATE TABLE `t11` (`id` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
INSERT INTO `t11` (`id`) VALUES (1);
