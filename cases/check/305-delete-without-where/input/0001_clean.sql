DELETE FROM `cache`;--> statement-breakpoint
DELETE FROM `t` WHERE `note` IS NULL;--> statement-breakpoint
CREATE TEMP TABLE `bak` AS SELECT * FROM `t`;--> statement-breakpoint
DELETE FROM `t`;--> statement-breakpoint
INSERT INTO `t` SELECT * FROM `bak`;--> statement-breakpoint
DROP TABLE `bak`;
