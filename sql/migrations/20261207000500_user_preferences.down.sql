ALTER TABLE users DROP COLUMN auto_accept, DROP COLUMN time_zone, DROP COLUMN language;
