ALTER TABLE `users` ADD `uid` text;--> statement-breakpoint
UPDATE `users` SET `uid` = uuid_v4();
