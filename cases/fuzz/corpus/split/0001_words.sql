INSERT INTO `t` (`id`, `note`) VALUES (1, 'BEGIN; DROP TABLE t; DELETE FROM t; COMMIT;');--> statement-breakpoint
/* DROP TABLE `t`; VACUUM; */
UPDATE `t` SET `note` = "note" || ' -- ALTER TABLE t ADD x int NOT NULL';--> statement-breakpoint
CREATE TABLE `[drop table]` (
	`delete from` text
);
--> statement-breakpoint
CREATE TRIGGER `t_cleanup` AFTER DELETE ON `t` BEGIN
	DELETE FROM `[drop table]` WHERE `delete from` = old.`note`;
END;
