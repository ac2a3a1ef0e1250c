CREATE TABLE `c` (`id` integer);
