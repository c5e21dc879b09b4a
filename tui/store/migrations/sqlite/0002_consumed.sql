-- An approval lets exactly one execution through: the first waiter it is delivered to, or the first
-- identical re-submission (same agent, same content hash) after the submitter stopped waiting.
ALTER TABLE actions ADD COLUMN consumed_by TEXT;
CREATE INDEX actions_approval ON actions (agent_id, content_hash, status);
