CREATE TABLE `a` (`x` integer); -- first
CREATE TABLE `b` (`x` integer);
