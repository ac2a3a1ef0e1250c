INSERT INTO `a` (`id`) VALUES (1);--> statement-breakpoint
INSERT INTO `b` (`id`) VALUES (2);