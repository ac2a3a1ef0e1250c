CREATE TABLE `t` (`id` integer);
CREATE TABLE `u` (`id` integer);
