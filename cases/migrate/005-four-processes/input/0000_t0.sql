CREATE TABLE `t0` (`id` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
INSERT INTO `t0` (`id`) VALUES (1);
