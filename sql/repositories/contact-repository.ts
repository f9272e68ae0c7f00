import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../database.ts';
import type { CallsTable } from '../tables/call-tables.ts';
import type { ConversationsTable, TicketsTable } from '../tables/conversation-tables.ts';
import type { ContactsTable } from '../tables/customer-tables.ts';
import { ownedBy, type OwnerFilter } from './owner-filter.ts';
import { preparedStatement } from './prepared-statement.ts';

/** Customer profiles with their phones and emails. */
export class ContactRepository {
  constructor(private readonly db: Kysely<Database>) {}

  findById(id: string) {
    return this.db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  phones(contactId: string) {
    return this.db
      .selectFrom('contact_phones')
      .select(['phone', 'normalized', 'label'])
      .where('contact_id', '=', contactId)
      .execute();
  }

  emails(contactId: string) {
    return this.db
      .selectFrom('contact_emails')
      .select(['email', 'label'])
      .where('contact_id', '=', contactId)
      .execute();
  }

  /**
   * A contact's 360 view in one round trip: the profile, its phones and
   * emails, and its latest `limit` calls (by start), conversations and tickets
   * (by creation), newest first. Undefined when the contact does not exist
   * or is not linked to `owner` (the same rule as {@link linkedTo}, in the
   * same query). Callers still filter the history by owner.
   */
  async view360(
    contactId: string,
    limit: number,
    owner: OwnerFilter,
  ): Promise<Contact360 | undefined> {
    const row =
      owner === 'all'
        ? (await view360All(this.db, [contactId, limit]))[0]
        : (
            await view360Owned(this.db, [
              contactId,
              limit,
              [...owner.agentIds],
              [...owner.queueIds],
            ])
          )[0];
    if (row === undefined || row.linked !== true) return undefined;
    return {
      ...row,
      calls: row.calls.map(withDates),
      conversations: row.conversations.map(withDates),
      tickets: row.tickets.map((t) => ({ ...withDates(t), number: String(t.number) })),
    };
  }

  /**
   * True when some call, conversation or ticket of the contact is owned by the
   * filter's agents or queues: that is what makes a customer visible.
   */
  async linkedTo(contactId: string, owner: OwnerFilter): Promise<boolean> {
    if (owner === 'all') return true;
    const row = await this.db
      .selectNoFrom((eb) => [
        eb
          .or([
            eb.exists(
              eb
                .selectFrom('calls')
                .select('calls.id')
                .where('calls.contact_id', '=', contactId)
                .where((w) => ownedBy(w, owner, 'calls.agent_id', 'calls.queue_id')),
            ),
            eb.exists(
              eb
                .selectFrom('conversations')
                .select('conversations.id')
                .where('conversations.contact_id', '=', contactId)
                .where((w) =>
                  ownedBy(w, owner, 'conversations.assignee_id', 'conversations.queue_id'),
                ),
            ),
            eb.exists(
              eb
                .selectFrom('tickets')
                .select('tickets.id')
                .where('tickets.requester_id', '=', contactId)
                .where((w) => ownedBy(w, owner, 'tickets.assignee_id', 'tickets.queue_id')),
            ),
          ])
          .as('linked'),
      ])
      .executeTakeFirstOrThrow();
    return row.linked === true;
  }

  /** Contacts whose normalised phone or email matches exactly. */
  async search(query: { phone?: string; email?: string }, limit: number) {
    let ids = this.db.selectFrom('contacts').select('contacts.id');
    if (query.phone !== undefined) {
      const phone = query.phone;
      ids = ids.where((eb) =>
        eb.exists(
          eb
            .selectFrom('contact_phones')
            .select('contact_phones.contact_id')
            .whereRef('contact_phones.contact_id', '=', 'contacts.id')
            .where('contact_phones.normalized', '=', phone),
        ),
      );
    }
    if (query.email !== undefined) {
      const email = query.email;
      ids = ids.where((eb) =>
        eb.exists(
          eb
            .selectFrom('contact_emails')
            .select('contact_emails.contact_id')
            .whereRef('contact_emails.contact_id', '=', 'contacts.id')
            .where('contact_emails.email', '=', email),
        ),
      );
    }
    const rows = await ids.orderBy('contacts.id').limit(limit).execute();
    return rows.map((r) => r.id);
  }

  async updateTags(id: string, tags: readonly string[]) {
    return this.db
      .updateTable('contacts')
      .set({ tags: [...tags], updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }
}

type JsonRow<T> = {
  [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K];
};

/**
 * The 360 view's SQL: $1 the contact, $2 the history limit, and for an owner
 * filter $3 its agents and $4 its queues ("the contact is linked to them":
 * the rule of {@link ContactRepository.linkedTo}).
 */
function view360Sql(owned: boolean): string {
  const linked = owned
    ? `(
    EXISTS (SELECT 1 FROM calls k WHERE k.contact_id = c.id
      AND (k.agent_id = ANY($3::uuid[]) OR k.queue_id = ANY($4::uuid[])))
    OR EXISTS (SELECT 1 FROM conversations v WHERE v.contact_id = c.id
      AND (v.assignee_id = ANY($3::uuid[]) OR v.queue_id = ANY($4::uuid[])))
    OR EXISTS (SELECT 1 FROM tickets t WHERE t.requester_id = c.id
      AND (t.assignee_id = ANY($3::uuid[]) OR t.queue_id = ANY($4::uuid[]))))`
    : 'TRUE';
  return `
    SELECT c.*, ${linked} AS linked,
      COALESCE((SELECT json_agg(json_build_object('phone', p.phone, 'label', p.label))
        FROM contact_phones p WHERE p.contact_id = c.id), '[]') AS phones,
      COALESCE((SELECT json_agg(json_build_object('email', e.email, 'label', e.label))
        FROM contact_emails e WHERE e.contact_id = c.id), '[]') AS emails,
      COALESCE((SELECT json_agg(x) FROM (SELECT k.*,
          COALESCE((SELECT json_agg(json_build_object('id', r.id, 'durationMs', r.duration_ms)
            ORDER BY r.started_at) FROM recordings r WHERE r.call_id = k.id), '[]') AS recordings
        FROM calls k WHERE k.contact_id = c.id
        ORDER BY k.started_at DESC LIMIT $2) x), '[]') AS calls,
      COALESCE((SELECT json_agg(x) FROM (SELECT * FROM conversations WHERE contact_id = c.id
        ORDER BY created_at DESC LIMIT $2) x), '[]') AS conversations,
      COALESCE((SELECT json_agg(x) FROM (SELECT * FROM tickets WHERE requester_id = c.id
        ORDER BY created_at DESC LIMIT $2) x), '[]') AS tickets
    FROM contacts c WHERE c.id = $1`;
}

const view360All = preparedStatement<Contact360Row>('contact_360_all', view360Sql(false));
const view360Owned = preparedStatement<Contact360Row>('contact_360_owned', view360Sql(true));

interface Contact360Row extends Selectable<ContactsTable> {
  readonly linked: boolean;
  readonly phones: { phone: string; label: string }[];
  readonly emails: { email: string; label: string }[];
  readonly calls: JsonRow<Selectable<CallsTable> & { recordings: CallRecordingRef[] }>[];
  readonly conversations: JsonRow<Selectable<ConversationsTable>>[];
  readonly tickets: JsonRow<Selectable<TicketsTable>>[];
}

/** A recording of a call in the 360 view: enough to offer a player. */
export interface CallRecordingRef {
  readonly id: string;
  readonly durationMs: number;
}

export interface Contact360 extends Selectable<ContactsTable> {
  readonly phones: { phone: string; label: string }[];
  readonly emails: { email: string; label: string }[];
  /** Each with its recordings (id and length), oldest first. */
  readonly calls: (Selectable<CallsTable> & { readonly recordings: CallRecordingRef[] })[];
  readonly conversations: Selectable<ConversationsTable>[];
  readonly tickets: Selectable<TicketsTable>[];
}

/** JSON carries timestamps as ISO strings; turns every `*_at` column back into a Date. */
function withDates<T extends object>(row: JsonRow<T>): T {
  const out: Record<string, unknown> = { ...row };
  for (const [key, value] of Object.entries(out)) {
    if (key.endsWith('_at') && typeof value === 'string') out[key] = new Date(value);
  }
  return out as T;
}
