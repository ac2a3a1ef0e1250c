CREATE TABLE users(id integer PRIMARY KEY, name text);
--> statement-breakpoint
CREATE TABLE posts(id integer PRIMARY KEY, user_id integer REFERENCES users(id) ON DELETE CASCADE);
