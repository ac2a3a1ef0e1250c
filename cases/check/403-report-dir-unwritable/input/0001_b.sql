CREATE TABLE `u` (`id` integer);
CREATE INDEX `u_id` ON `u` (`id`);
