-- Before this migration such calls were recorded `completed`.
UPDATE calls SET disposition = 'completed' WHERE disposition = 'self-service';
ALTER TABLE calls DROP CONSTRAINT calls_disposition_check;
ALTER TABLE calls ADD CONSTRAINT calls_disposition_check CHECK (disposition IN ('completed',
  'abandoned', 'voicemail', 'transferred', 'callback-requested', 'no-answer', 'busy', 'failed',
  'rejected', 'timed-out', 'overflowed'));
