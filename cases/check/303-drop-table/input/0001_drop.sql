-- DROP TABLE `t`; was considered
DROP TABLE `sessions`;--> statement-breakpoint
CREATE TABLE `__new_t` (
	`id` integer PRIMARY KEY NOT NULL,
	`note` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_t`("id", "note") SELECT "id", coalesce("note", '') FROM `t`;--> statement-breakpoint
DROP TABLE `t`;--> statement-breakpoint
ALTER TABLE `__new_t` RENAME TO `t`;--> statement-breakpoint
CREATE TABLE `scratch` AS SELECT `id` FROM `t`;--> statement-breakpoint
DROP TABLE `scratch`;
