CREATE TABLE `u` (`id` integer); -- the users
