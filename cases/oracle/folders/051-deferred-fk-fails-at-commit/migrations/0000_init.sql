CREATE TABLE `p` (`id` integer PRIMARY KEY NOT NULL);--> statement-breakpoint
CREATE TABLE `c` (`id` integer, `p_id` integer REFERENCES `p`(`id`) DEFERRABLE INITIALLY DEFERRED);--> statement-breakpoint
INSERT INTO `c` VALUES (1, 99);