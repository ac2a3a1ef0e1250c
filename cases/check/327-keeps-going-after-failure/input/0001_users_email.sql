INSERT INTO `nope` VALUES (1);--> statement-breakpoint
CREATE TABLE a(x); CREATE TABLE b(y);
