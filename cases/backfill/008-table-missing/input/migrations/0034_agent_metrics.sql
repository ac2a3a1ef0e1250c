CREATE TABLE `agent_metrics` (
	`agent_id` text PRIMARY KEY NOT NULL,
	`questions_count` integer DEFAULT 0 NOT NULL
);
