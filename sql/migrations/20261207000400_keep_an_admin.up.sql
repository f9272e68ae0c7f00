-- An organisation always keeps one active admin: a change that would leave
-- no enabled user with the admin role (demoting, disabling or deleting the
-- last one, by the API, the CLI or plain SQL) is refused, or nobody could
-- administer Switchboard without a shell on the database.
--
-- Two admins demoting each other at the same moment would each still see
-- the other as admin in their own snapshot, so every change to an active
-- admin takes one transaction-scoped advisory lock first and then counts
-- with a fresh snapshot (READ COMMITTED, the default, takes one per
-- statement): the second change waits for the first to commit, sees it,
-- and is refused.
CREATE FUNCTION users_keep_an_active_admin() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('switchboard:users:active-admins'));
  IF NOT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND disabled_at IS NULL) THEN
    RAISE EXCEPTION 'the last active admin cannot be demoted, disabled or deleted'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'users_keep_an_active_admin';
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER users_keep_an_active_admin
  AFTER UPDATE OF role, disabled_at OR DELETE ON users
  FOR EACH ROW
  WHEN (OLD.role = 'admin' AND OLD.disabled_at IS NULL)
  EXECUTE FUNCTION users_keep_an_active_admin();
