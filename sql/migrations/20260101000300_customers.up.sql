-- Customer profiles (the "contact" of customer 360), with normalised phone
-- numbers and emails for screen pops.

CREATE TABLE contacts (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  given_name    text NOT NULL DEFAULT '',
  family_name   text NOT NULL DEFAULT '',
  company       text NOT NULL DEFAULT '',
  tags          text[] NOT NULL DEFAULT '{}',
  attributes    jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
  -- Consent per purpose, e.g. {"recording": true, "marketing": false}.
  consent       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(consent) = 'object'),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contacts_tags_idx ON contacts USING gin (tags);

CREATE TABLE contact_phones (
  contact_id  uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  -- As entered, for display.
  phone       text NOT NULL,
  -- E.164 digits with '+', used for lookups.
  normalized  text NOT NULL CHECK (normalized ~ '^\+[0-9]{2,20}$'),
  label       text NOT NULL DEFAULT '',
  PRIMARY KEY (contact_id, normalized)
);
CREATE INDEX contact_phones_normalized_idx ON contact_phones (normalized);

CREATE TABLE contact_emails (
  contact_id  uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  email       citext NOT NULL CHECK (email LIKE '%_@_%'),
  label       text NOT NULL DEFAULT '',
  PRIMARY KEY (contact_id, email)
);
CREATE INDEX contact_emails_email_idx ON contact_emails (email);
