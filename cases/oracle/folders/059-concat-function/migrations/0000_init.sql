CREATE TABLE `people` (
	`id` integer PRIMARY KEY NOT NULL,
	`first` text NOT NULL,
	`last` text,
	`n` integer
);--> statement-breakpoint
INSERT INTO `people` (`id`, `first`, `last`, `n`) VALUES (1, 'Ada', 'Lovelace', 1815), (2, 'Alan', NULL, 1912), (3, 'Grace', 'Hopper', NULL);