-- leading comment
CREATE TABLE `c` (`x` integer);;--> statement-breakpoint
CREATE TABLE `d` (`x` integer); -- note--> statement-breakpoint
CREATE TABLE `e` (`x` integer); /* block */ 	
--> statement-breakpoint
/* before */ CREATE TABLE `f` (`x` integer)
-- no semicolon, trailing comment