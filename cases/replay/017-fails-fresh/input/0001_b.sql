ALTER TABLE nope ADD x int;
