-- Voice: one row per call, its legs (caller, agent, supervisor, transfer
-- target), its events (idempotent by event id) and its recordings.

CREATE TABLE calls (
  id               uuid PRIMARY KEY,
  direction        text NOT NULL CHECK (direction IN ('inbound', 'outbound', 'callback', 'internal')),
  from_number      text NOT NULL,
  to_number        text NOT NULL,
  did              text,
  sip_call_id      text,
  contact_id       uuid REFERENCES contacts (id) ON DELETE SET NULL,
  flow_id          uuid REFERENCES flows (id) ON DELETE SET NULL,
  queue_id         uuid REFERENCES queues (id) ON DELETE SET NULL,
  agent_id         uuid REFERENCES users (id) ON DELETE SET NULL,
  started_at       timestamptz NOT NULL,
  answered_at      timestamptz,
  enqueued_at      timestamptz,
  offered_at       timestamptz,
  bridged_at       timestamptz,
  ended_at         timestamptz,
  hangup_cause     text,
  disposition      text CHECK (disposition IN ('completed', 'abandoned', 'voicemail', 'transferred',
    'callback-requested', 'no-answer', 'busy', 'failed', 'rejected', 'timed-out', 'overflowed')),
  wrap_up_code     text,
  sip_status       integer CHECK (sip_status BETWEEN 100 AND 699),
  CHECK (ended_at IS NULL OR ended_at >= started_at),
  CHECK (answered_at IS NULL OR answered_at >= started_at)
);
CREATE INDEX calls_started_at_idx ON calls (started_at DESC, id);
CREATE INDEX calls_agent_started_idx ON calls (agent_id, started_at DESC);
CREATE INDEX calls_queue_started_idx ON calls (queue_id, started_at DESC);
CREATE INDEX calls_contact_idx ON calls (contact_id, started_at DESC);
CREATE INDEX calls_from_number_idx ON calls (from_number);

CREATE TABLE call_legs (
  id              uuid PRIMARY KEY,
  call_id         uuid NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
  role            text NOT NULL CHECK (role IN ('caller', 'agent', 'supervisor', 'transfer', 'callback-customer')),
  user_id         uuid REFERENCES users (id) ON DELETE SET NULL,
  sip_uri         text NOT NULL,
  sip_call_id     text,
  media_uuid      text,
  started_at      timestamptz NOT NULL,
  answered_at     timestamptz,
  ended_at        timestamptz,
  hangup_cause    text,
  sip_status      integer CHECK (sip_status BETWEEN 100 AND 699)
);
CREATE INDEX call_legs_call_idx ON call_legs (call_id);

-- Events arrive from the Redis stream and may be replayed: the event id makes
-- a replay harmless (INSERT ... ON CONFLICT DO NOTHING).
CREATE TABLE call_events (
  event_id     text PRIMARY KEY,
  call_id      uuid NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
  type         text NOT NULL CHECK (length(type) > 0),
  occurred_at  timestamptz NOT NULL,
  payload      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX call_events_call_idx ON call_events (call_id, occurred_at);

CREATE TABLE recordings (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  call_id           uuid NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
  storage_uri       text NOT NULL UNIQUE,
  format            text NOT NULL DEFAULT 'wav',
  channels          smallint NOT NULL DEFAULT 2 CHECK (channels IN (1, 2)),
  started_at        timestamptz NOT NULL,
  duration_ms       integer NOT NULL CHECK (duration_ms >= 0),
  bytes             bigint NOT NULL CHECK (bytes >= 0),
  sha256            text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  -- Paused (silenced) spans for card data: [{"fromMs": 1000, "toMs": 9000}, ...].
  masked_intervals  jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(masked_intervals) = 'array'),
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recordings_call_idx ON recordings (call_id);
