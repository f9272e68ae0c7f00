-- Which Switchboard process holds a live call. A process that dies leaves
-- its calls open (no BYE reached it, no ended_at was written); any other
-- process, or the same one restarted, closes them once the dead process's
-- heartbeat in Redis has lapsed (media/call-record/open-call-sweeper.ts).
ALTER TABLE calls ADD COLUMN instance_id text;
CREATE INDEX calls_open_idx ON calls (instance_id) WHERE ended_at IS NULL;
