CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);
