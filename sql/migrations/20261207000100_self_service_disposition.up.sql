-- A call that ended in the IVR without ever reaching a queue, an agent, a
-- voicemail box or a callback was recorded `completed`, the same word as a
-- call an agent answered, so reports could not tell self-service (IVR
-- containment) from handled calls. It now has its own disposition.
ALTER TABLE calls DROP CONSTRAINT calls_disposition_check;
ALTER TABLE calls ADD CONSTRAINT calls_disposition_check CHECK (disposition IN ('completed',
  'self-service', 'abandoned', 'voicemail', 'transferred', 'callback-requested', 'no-answer',
  'busy', 'failed', 'rejected', 'timed-out', 'overflowed'));
