CREATE TABLE `kept` (`id` integer);--> statement-breakpoint
COMMIT;--> statement-breakpoint
INSERT INTO `t` VALUES (1);--> statement-breakpoint
INSERT INTO `missing` VALUES (1);