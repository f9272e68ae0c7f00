-- What callers reach: business-hours calendars, queues, flows (versioned) and
-- the phone numbers (DIDs) that point at a published flow.

CREATE TABLE business_hours_calendars (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
  -- IANA zone such as 'Europe/London'; hours are local to it.
  time_zone   text NOT NULL CHECK (length(time_zone) > 0),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Opening intervals per weekday (0 = Sunday ... 6 = Saturday), local time.
CREATE TABLE business_hours_intervals (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  calendar_id  uuid NOT NULL REFERENCES business_hours_calendars (id) ON DELETE CASCADE,
  weekday      smallint NOT NULL CHECK (weekday BETWEEN 0 AND 6),
  opens_at     time NOT NULL,
  closes_at    time NOT NULL,
  CHECK (closes_at > opens_at)
);
CREATE INDEX business_hours_intervals_calendar_idx ON business_hours_intervals (calendar_id, weekday);

CREATE TABLE business_hours_holidays (
  calendar_id  uuid NOT NULL REFERENCES business_hours_calendars (id) ON DELETE CASCADE,
  day          date NOT NULL,
  name         text NOT NULL DEFAULT '',
  PRIMARY KEY (calendar_id, day)
);

CREATE TABLE queues (
  id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name                     text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9_-]*$'),
  display_name             text NOT NULL DEFAULT '',
  strategy                 text NOT NULL DEFAULT 'longest-idle' CHECK (strategy IN
    ('longest-idle', 'round-robin', 'top-down', 'fewest-calls', 'least-talk-time', 'ring-all', 'random')),
  ring_timeout_seconds     integer NOT NULL DEFAULT 20 CHECK (ring_timeout_seconds BETWEEN 5 AND 300),
  max_wait_seconds         integer NOT NULL DEFAULT 900 CHECK (max_wait_seconds BETWEEN 10 AND 86400),
  overflow_queue_id        uuid REFERENCES queues (id) ON DELETE SET NULL,
  wrap_up_seconds          integer NOT NULL DEFAULT 30 CHECK (wrap_up_seconds BETWEEN 0 AND 3600),
  -- Service level: service_level_percent of contacts answered within service_level_seconds.
  service_level_percent    integer NOT NULL DEFAULT 80 CHECK (service_level_percent BETWEEN 1 AND 100),
  service_level_seconds    integer NOT NULL DEFAULT 20 CHECK (service_level_seconds BETWEEN 1 AND 3600),
  max_missed_offers        integer NOT NULL DEFAULT 3 CHECK (max_missed_offers BETWEEN 1 AND 100),
  announce_every_seconds   integer NOT NULL DEFAULT 60 CHECK (announce_every_seconds BETWEEN 0 AND 3600),
  business_hours_id        uuid REFERENCES business_hours_calendars (id) ON DELETE SET NULL,
  team_id                  uuid REFERENCES teams (id) ON DELETE SET NULL,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  CHECK (overflow_queue_id IS NULL OR overflow_queue_id <> id)
);

CREATE TABLE queue_members (
  queue_id  uuid NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
  user_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- Order for the top-down strategy (lower rings first).
  position  integer NOT NULL DEFAULT 0,
  PRIMARY KEY (queue_id, user_id)
);
CREATE INDEX queue_members_user_idx ON queue_members (user_id);

-- Skills a queue's contacts need by default (a flow may ask for more).
CREATE TABLE queue_skills (
  queue_id   uuid NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
  skill_id   uuid NOT NULL REFERENCES skills (id) ON DELETE CASCADE,
  min_level  integer NOT NULL CHECK (min_level BETWEEN 1 AND 10),
  PRIMARY KEY (queue_id, skill_id)
);

-- One row per uploaded version; publishing flips published_at, so live calls
-- keep running the version they started with.
CREATE TABLE flows (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name          text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9_-]*$'),
  version       integer NOT NULL CHECK (version >= 1),
  definition    jsonb NOT NULL,
  source_format text NOT NULL DEFAULT 'json' CHECK (source_format IN ('json', 'yaml')),
  published     boolean NOT NULL DEFAULT false,
  created_by    uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  published_by  uuid REFERENCES users (id) ON DELETE SET NULL,
  published_at  timestamptz,
  UNIQUE (name, version),
  CHECK (published = (published_at IS NOT NULL))
);
-- At most one published version per flow name.
CREATE UNIQUE INDEX flows_one_published_idx ON flows (name) WHERE published;

CREATE TABLE phone_numbers (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- E.164 digits with leading '+', or a SIP user part for internal numbers.
  number       text NOT NULL UNIQUE CHECK (number ~ '^\+?[0-9]{2,20}$'),
  flow_name    text NOT NULL CHECK (flow_name ~ '^[a-z0-9][a-z0-9_-]*$'),
  description  text NOT NULL DEFAULT '',
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX phone_numbers_flow_idx ON phone_numbers (flow_name);
