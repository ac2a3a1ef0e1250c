CREATE TABLE `a` (`id` integer);--> Statement-breakpoint
CREATE TABLE `b` (`id` integer);