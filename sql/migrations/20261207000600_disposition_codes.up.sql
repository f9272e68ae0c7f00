-- Disposition (wrap-up) codes an agent picks when a call ends: global ones
-- (queue_id NULL) and per-queue ones. A code is stored on the call as text
-- (calls.wrap_up_code), so deleting a code here leaves past calls as they were.
CREATE TABLE disposition_codes (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- The wrap-up code format of POST /agent/wrap-up.
  code        text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
  label       text NOT NULL CHECK (length(trim(label)) > 0 AND length(label) <= 80),
  queue_id    uuid REFERENCES queues (id) ON DELETE CASCADE,
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now()
);
-- One code per queue, and one global code of a name: NULL queue ids would
-- otherwise never collide in a plain unique constraint.
CREATE UNIQUE INDEX disposition_codes_queue_code_key
  ON disposition_codes (coalesce(queue_id, '00000000-0000-0000-0000-000000000000'::uuid), code);
CREATE INDEX disposition_codes_queue_idx ON disposition_codes (queue_id);

-- Per queue: whether an agent must give a code to end wrap-up.
ALTER TABLE queues ADD COLUMN wrap_up_code_required boolean NOT NULL DEFAULT false;
