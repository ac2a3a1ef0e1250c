CREATE TABLE `merged` (`id` integer PRIMARY KEY NOT NULL);
