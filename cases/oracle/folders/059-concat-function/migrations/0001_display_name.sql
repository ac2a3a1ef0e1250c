ALTER TABLE `people` ADD `display` text;--> statement-breakpoint
UPDATE `people` SET `display` = concat(`first`, ' ', `last`, ' #', `n`, ' ', 2.5);--> statement-breakpoint
ALTER TABLE `people` ADD `slug` text;--> statement-breakpoint
UPDATE `people` SET `slug` = concat_ws('-', lower(`first`), lower(`last`), `n`);