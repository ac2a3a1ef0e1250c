DELETE FROM "__drizzle_migrations" WHERE "created_at" IS NULL;--> statement-breakpoint
DELETE FROM "__drizzle_migrations" WHERE "created_at" > 1700000001000;