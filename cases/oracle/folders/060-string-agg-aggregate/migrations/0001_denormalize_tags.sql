CREATE TABLE `post_tags` (
	`post_id` integer PRIMARY KEY NOT NULL,
	`names` text,
	`sorted` text
);--> statement-breakpoint
INSERT INTO `post_tags` (`post_id`, `names`) SELECT `post_id`, string_agg(`name`, ',') FROM `tags` GROUP BY `post_id`;--> statement-breakpoint
UPDATE `post_tags` SET `sorted` = (SELECT string_agg(`name`, '|' ORDER BY `name` DESC) FROM `tags` WHERE `tags`.`post_id` = `post_tags`.`post_id`);