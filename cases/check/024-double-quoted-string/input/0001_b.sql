CREATE TABLE `u` (`id` integer, `s` text);
--> statement-breakpoint
INSERT INTO `u` (`id`, `s`) SELECT 1, "status";
