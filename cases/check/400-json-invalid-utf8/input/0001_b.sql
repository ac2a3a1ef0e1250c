CREATE TABLE `u` (`id` integer);
