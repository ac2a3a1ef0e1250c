BEGIN;--> statement-breakpoint
INSERT INTO `t` VALUES (1);--> statement-breakpoint
COMMIT;