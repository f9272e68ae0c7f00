ALTER TABLE calls DROP COLUMN wrap_up_notes;
