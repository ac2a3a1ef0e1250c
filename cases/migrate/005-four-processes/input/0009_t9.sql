CREATE TABLE `t9` (`id` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
INSERT INTO `t9` (`id`) VALUES (1);
