import type { Generated } from 'kysely';
import type { CreatedAt, Json } from './people-tables.ts';

export interface ContactsTable {
  id: Generated<string>;
  given_name: Generated<string>;
  family_name: Generated<string>;
  company: Generated<string>;
  tags: Generated<string[]>;
  attributes: Json<Record<string, unknown>>;
  consent: Json<Record<string, boolean>>;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface ContactPhonesTable {
  contact_id: string;
  phone: string;
  /** E.164 with '+'; see contact lookups. */
  normalized: string;
  label: Generated<string>;
}

export interface ContactEmailsTable {
  contact_id: string;
  email: string;
  label: Generated<string>;
}
