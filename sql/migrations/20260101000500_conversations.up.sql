-- Omnichannel conversations (voice, chat, email), their messages, tickets
-- with SLA policies, CSAT and the knowledge base.

CREATE TABLE conversations (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  channel       text NOT NULL CHECK (channel IN ('voice', 'chat', 'email')),
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'queued', 'assigned', 'closed')),
  contact_id    uuid REFERENCES contacts (id) ON DELETE SET NULL,
  queue_id      uuid REFERENCES queues (id) ON DELETE SET NULL,
  assignee_id   uuid REFERENCES users (id) ON DELETE SET NULL,
  call_id       uuid REFERENCES calls (id) ON DELETE SET NULL,
  subject       text NOT NULL DEFAULT '',
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  closed_at     timestamptz,
  CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX conversations_assignee_idx ON conversations (assignee_id, status, updated_at DESC);
CREATE INDEX conversations_queue_idx ON conversations (queue_id, status);
CREATE INDEX conversations_contact_idx ON conversations (contact_id, created_at DESC);

CREATE TABLE messages (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  conversation_id  uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  direction        text NOT NULL CHECK (direction IN ('inbound', 'outbound', 'internal')),
  author_user_id   uuid REFERENCES users (id) ON DELETE SET NULL,
  author_contact_id uuid REFERENCES contacts (id) ON DELETE SET NULL,
  body             text NOT NULL,
  -- Email threading: RFC 5322 Message-ID, unique so redelivery is harmless.
  external_id      text UNIQUE,
  headers          jsonb NOT NULL DEFAULT '{}',
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_conversation_idx ON messages (conversation_id, created_at);

CREATE TABLE sla_policies (
  id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name                     text NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
  priority                 text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  first_response_minutes   integer NOT NULL CHECK (first_response_minutes > 0),
  resolution_minutes       integer NOT NULL CHECK (resolution_minutes > 0),
  business_hours_id        uuid REFERENCES business_hours_calendars (id) ON DELETE SET NULL,
  created_at               timestamptz NOT NULL DEFAULT now(),
  CHECK (resolution_minutes >= first_response_minutes)
);

CREATE TABLE tickets (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  number               bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  subject              text NOT NULL CHECK (length(trim(subject)) > 0),
  status               text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'open', 'pending', 'on-hold', 'solved', 'closed')),
  priority             text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  requester_id         uuid REFERENCES contacts (id) ON DELETE SET NULL,
  assignee_id          uuid REFERENCES users (id) ON DELETE SET NULL,
  queue_id             uuid REFERENCES queues (id) ON DELETE SET NULL,
  conversation_id      uuid REFERENCES conversations (id) ON DELETE SET NULL,
  sla_policy_id        uuid REFERENCES sla_policies (id) ON DELETE SET NULL,
  first_response_due_at timestamptz,
  resolution_due_at    timestamptz,
  first_responded_at   timestamptz,
  solved_at            timestamptz,
  merged_into_id       uuid REFERENCES tickets (id) ON DELETE SET NULL,
  parent_id            uuid REFERENCES tickets (id) ON DELETE SET NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  CHECK (merged_into_id IS NULL OR merged_into_id <> id),
  CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX tickets_status_due_idx ON tickets (status, resolution_due_at);
CREATE INDEX tickets_first_response_due_idx ON tickets (first_response_due_at) WHERE first_responded_at IS NULL;
CREATE INDEX tickets_assignee_idx ON tickets (assignee_id, status, updated_at DESC);
CREATE INDEX tickets_requester_idx ON tickets (requester_id, created_at DESC);
CREATE INDEX tickets_queue_idx ON tickets (queue_id, status);

CREATE TABLE ticket_events (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  ticket_id    uuid NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
  actor_id     uuid REFERENCES users (id) ON DELETE SET NULL,
  type         text NOT NULL CHECK (type IN ('created', 'status-changed', 'priority-changed', 'assigned',
    'commented', 'merged', 'sla-breached', 'linked')),
  details      jsonb NOT NULL DEFAULT '{}',
  occurred_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_events_ticket_idx ON ticket_events (ticket_id, occurred_at);

CREATE TABLE csat_responses (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  conversation_id  uuid REFERENCES conversations (id) ON DELETE SET NULL,
  call_id          uuid REFERENCES calls (id) ON DELETE SET NULL,
  ticket_id        uuid REFERENCES tickets (id) ON DELETE SET NULL,
  agent_id         uuid REFERENCES users (id) ON DELETE SET NULL,
  score            smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
  comment          text NOT NULL DEFAULT '',
  responded_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (conversation_id IS NOT NULL OR call_id IS NOT NULL OR ticket_id IS NOT NULL)
);
CREATE INDEX csat_responses_agent_idx ON csat_responses (agent_id, responded_at DESC);

CREATE TABLE knowledge_articles (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug         text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$'),
  title        text NOT NULL CHECK (length(trim(title)) > 0),
  body         text NOT NULL,
  tags         text[] NOT NULL DEFAULT '{}',
  status       text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
  author_id    uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  search       tsvector GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || body)) STORED
);
CREATE INDEX knowledge_articles_search_idx ON knowledge_articles USING gin (search);
