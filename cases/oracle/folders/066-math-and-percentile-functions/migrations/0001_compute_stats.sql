INSERT INTO `stats` VALUES ('ln2', ln(2)), ('pow', pow(2, 0.5)), ('pi', pi()), ('e', exp(1)), ('log10', log10(1000)), ('log2_8', log(2, 8)), ('sqrt2', sqrt(2)), ('atan2', atan2(1, 1)), ('degrees', degrees(pi())), ('ceil', ceil(1.2)), ('floor', floor(-1.2)), ('trunc', trunc(2.7)), ('mod', mod(7.5, 2));--> statement-breakpoint
INSERT INTO `stats` SELECT 'sum_ln', sum(ln(`v`)) FROM `samples`;--> statement-breakpoint
INSERT INTO `stats` SELECT 'median', median(`v`) FROM `samples`;--> statement-breakpoint
INSERT INTO `stats` SELECT 'p90', percentile(`v`, 90) FROM `samples`;--> statement-breakpoint
INSERT INTO `stats` SELECT 'cont25', percentile_cont(`v`, 0.25) FROM `samples`;--> statement-breakpoint
INSERT INTO `stats` SELECT 'disc25', percentile_disc(`v`, 0.25) FROM `samples`;