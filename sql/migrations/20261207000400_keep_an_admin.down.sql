DROP TRIGGER users_keep_an_active_admin ON users;
DROP FUNCTION users_keep_an_active_admin();
