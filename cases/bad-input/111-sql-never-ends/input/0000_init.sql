CREATE TABLE `agent_log_chunks` (`id` text PRIMARY KEY NOT NULL, `agent_id` text NOT NULL, `session_number` integer DEFAULT 0 NOT NULL, `content` text NOT NULL, `created_at` integer NOT NULL);
--> statement-breakpoint
CREATE TABLE `agent_metrics` (`agent_id` text PRIMARY KEY NOT NULL, `questions_count` integer DEFAULT 0 NOT NULL, `subagents_count` integer DEFAULT 0 NOT NULL, `compactions_count` integer DEFAULT 0 NOT NULL, `updated_at` integer DEFAULT 0 NOT NULL);
