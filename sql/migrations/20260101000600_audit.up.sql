-- Append-only audit trail: who did what to which thing, when, from where.
-- UPDATE and DELETE are refused by trigger so even a compromised app role
-- cannot rewrite history without dropping the trigger.

CREATE TABLE audit_log (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  actor_id        uuid REFERENCES users (id) ON DELETE SET NULL,
  actor_label     text NOT NULL,
  action          text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_.-]*$'),
  target_type     text NOT NULL,
  target_id       text,
  occurred_at     timestamptz NOT NULL DEFAULT now(),
  source_address  text,
  details         jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_occurred_idx ON audit_log (occurred_at DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, occurred_at DESC);
CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_append_only
  BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();

CREATE TRIGGER audit_log_no_truncate
  BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
