INSERT INTO `u` VALUES (1, 'a@x');--> statement-breakpoint
INSERT INTO `u` VALUES (2, 'a@x');