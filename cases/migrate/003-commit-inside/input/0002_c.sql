ALTER TABLE `nope` ADD `x` integer;
