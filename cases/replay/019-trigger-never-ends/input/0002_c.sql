CREATE TABLE later(y);
