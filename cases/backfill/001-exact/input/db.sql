CREATE TABLE agent_log_chunks (id text PRIMARY KEY NOT NULL, agent_id text NOT NULL, session_number integer DEFAULT 0 NOT NULL, content text NOT NULL, created_at integer NOT NULL);
CREATE INDEX agent_log_chunks_created_at_idx ON agent_log_chunks (created_at);
CREATE TABLE agent_metrics (agent_id text PRIMARY KEY NOT NULL, questions_count integer DEFAULT 0 NOT NULL, subagents_count integer DEFAULT 0 NOT NULL, compactions_count integer DEFAULT 0 NOT NULL, updated_at integer DEFAULT 0 NOT NULL);
INSERT INTO agent_log_chunks VALUES ('c001', 'a1', 0, '{"type":"assistant","message":{"content":[{"type":"tool_use","id":"t1","name":"AskUserQuestion","input":{}}]}}
{"type":"assistant","message":{"content":[{"type":"tool_use","id":"t2","name":"Agent","input":{"prompt":"Agent"}}]}}
{"type":"system","subtype":"compact_boundary"}
', 1000);
INSERT INTO agent_log_chunks VALUES ('c002', 'a1', 0, '{"type":"assistant","message":{"content":[{"type":"text","text":"ask the Agent about \"AskUserQuestion\""}]}}
{"type":"sys', 1000);
INSERT INTO agent_log_chunks VALUES ('c003', 'a2', 0, '{"type":"assistant","message":{"content":[{"type":"tool_use","id":"t2","name":"Agent","input":{"prompt":"Agent"}}]}}
{"type":"assistant","message":{"content":[{"type":"tool_use","id":"t2","name":"Agent","input":{"prompt":"Agent"}}]}}
', 2000);
INSERT INTO agent_log_chunks VALUES ('c004', 'a3', 0, '{"type":"assistant","message":{"content":[{"type":"text","text":"ask the Agent about \"AskUserQuestion\""}]}}', 3000);
