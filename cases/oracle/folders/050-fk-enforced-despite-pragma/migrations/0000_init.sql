CREATE TABLE `p` (`id` integer PRIMARY KEY NOT NULL);--> statement-breakpoint
CREATE TABLE `c` (`id` integer, `p_id` integer REFERENCES `p`(`id`));--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
INSERT INTO `c` VALUES (1, 99);--> statement-breakpoint
PRAGMA foreign_keys=ON;