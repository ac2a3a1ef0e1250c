CREATE TABLE `t18` (`id` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
INSERT INTO `t18` (`id`) VALUES (1);
