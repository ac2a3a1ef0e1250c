CREATE TABLE agent_log_chunks (id text PRIMARY KEY NOT NULL, agent_id text NOT NULL, session_number integer DEFAULT 0 NOT NULL, content text NOT NULL, created_at integer NOT NULL);
CREATE INDEX agent_log_chunks_created_at_idx ON agent_log_chunks (created_at);
