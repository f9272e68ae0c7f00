-- People who use Switchboard: agents, supervisors, admins; teams; skills; SIP
-- credentials (digest HA1 only: a plain SIP password is never stored).

CREATE EXTENSION IF NOT EXISTS citext;

CREATE TABLE teams (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email          citext NOT NULL UNIQUE CHECK (email LIKE '%_@_%'),
  display_name   text NOT NULL CHECK (length(trim(display_name)) > 0),
  role           text NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
  password_hash  text,
  team_id        uuid REFERENCES teams (id) ON DELETE SET NULL,
  -- Concurrent contacts an agent may hold per channel.
  voice_capacity integer NOT NULL DEFAULT 1 CHECK (voice_capacity BETWEEN 0 AND 1),
  chat_capacity  integer NOT NULL DEFAULT 3 CHECK (chat_capacity BETWEEN 0 AND 20),
  email_capacity integer NOT NULL DEFAULT 5 CHECK (email_capacity BETWEEN 0 AND 50),
  disabled_at    timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_team_idx ON users (team_id);

-- A supervisor may lead several teams; a team may have several supervisors.
CREATE TABLE team_supervisors (
  team_id  uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  user_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (team_id, user_id)
);

CREATE TABLE skills (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9_-]*$'),
  description text NOT NULL DEFAULT ''
);

CREATE TABLE user_skills (
  user_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  skill_id  uuid NOT NULL REFERENCES skills (id) ON DELETE CASCADE,
  level     integer NOT NULL CHECK (level BETWEEN 1 AND 10),
  PRIMARY KEY (user_id, skill_id)
);

-- Digest credentials for agents' and supervisors' SIP phones. HA1 =
-- MD5(username:realm:password), which is all a registrar needs.
CREATE TABLE sip_credentials (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  username    text NOT NULL CHECK (username ~ '^[A-Za-z0-9._-]+$'),
  realm       text NOT NULL CHECK (length(realm) > 0),
  ha1         text NOT NULL CHECK (ha1 ~ '^[0-9a-f]{32}$'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (realm, username)
);
CREATE INDEX sip_credentials_user_idx ON sip_credentials (user_id);

-- Browser sessions (the cookie carries the token; only its hash is stored).
CREATE TABLE user_sessions (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash  text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  ended_at    timestamptz,
  source_address text
);
CREATE INDEX user_sessions_user_idx ON user_sessions (user_id);

-- Integration tokens: hashed at rest, scoped, revocable.
CREATE TABLE api_tokens (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name         text NOT NULL CHECK (length(trim(name)) > 0),
  token_hash   text NOT NULL UNIQUE,
  scopes       text[] NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  expires_at   timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);
