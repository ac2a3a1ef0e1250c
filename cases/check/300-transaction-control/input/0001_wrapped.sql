BEGIN;--> statement-breakpoint
UPDATE `t` SET `note` = 'BEGIN; COMMIT;';--> statement-breakpoint
COMMIT;
