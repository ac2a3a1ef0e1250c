SAVEPOINT tidy;--> statement-breakpoint
UPDATE `t` SET `note` = NULL;--> statement-breakpoint
RELEASE tidy;
