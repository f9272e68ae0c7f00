DROP INDEX calls_open_idx;
ALTER TABLE calls DROP COLUMN instance_id;
