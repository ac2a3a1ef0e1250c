-- Defaults the server used to hard-code; INSERT OR IGNORE keeps values already set.
INSERT OR IGNORE INTO `settings` (`key`, `value`, `updated_at`) VALUES ('max_concurrent_agents', '4', 1751971471815);--> statement-breakpoint
INSERT OR IGNORE INTO `settings` (`key`, `value`, `updated_at`) VALUES ('default_model', 'claude-sonnet-4-20250514', 1751971471815);--> statement-breakpoint
INSERT OR IGNORE INTO `settings` (`key`, `value`, `updated_at`) VALUES ('log_retention_days', '30', 1751971471815);
