ALTER TABLE queues DROP COLUMN wrap_up_code_required;
DROP TABLE disposition_codes;
