INSERT INTO `c` VALUES (30, 2, 'b2');--> statement-breakpoint
INSERT INTO `c` VALUES (99, 999, 'orphan');