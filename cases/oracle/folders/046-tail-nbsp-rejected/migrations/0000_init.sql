CREATE TABLE `a` (`x` integer); 
