-- What the agent desktop remembers for a user wherever they log in: the
-- interface language, the time zone dates and reports are shown in, and
-- whether offers are accepted without a click. Kept on the server (not in
-- one browser's storage) so a hot-desking agent finds their settings.
-- Language and time zone are NULL until the user chooses: the desktop then
-- follows the browser's language and zone (a Chinese agent created by an
-- admin is not shown English).
ALTER TABLE users
  ADD COLUMN language text CHECK (language IN ('en', 'zh-CN')),
  -- An IANA zone name; the API checks it against the runtime's zone list.
  ADD COLUMN time_zone text CHECK (length(time_zone) BETWEEN 1 AND 64),
  ADD COLUMN auto_accept boolean NOT NULL DEFAULT false;
