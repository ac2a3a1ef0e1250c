CREATE TABLE `a` (
	`id` integer PRIMARY KEY
);
CREATE TABLE broken (;
