ALTER TABLE `settings` ADD `doc` blob;--> statement-breakpoint
UPDATE `settings` SET `doc` = jsonb(`raw`);--> statement-breakpoint
ALTER TABLE `settings` ADD `theme` text;--> statement-breakpoint
UPDATE `settings` SET `theme` = `doc` ->> '$.theme';