CREATE TABLE `agent_log_chunks` (`id` text PRIMARY KEY NOT NULL);
