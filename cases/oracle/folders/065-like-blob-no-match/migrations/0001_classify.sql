INSERT INTO `matches` SELECT `id`, 'like' FROM `files` WHERE `data` LIKE 'a%';--> statement-breakpoint
INSERT INTO `matches` SELECT `id`, 'glob' FROM `files` WHERE `data` GLOB 'a*';