PRAGMA foreign_keys=OFF;--> statement-breakpoint
DROP TABLE `users`;--> statement-breakpoint
PRAGMA foreign_keys=ON;
