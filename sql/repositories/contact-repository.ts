import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { ownedBy, type OwnerFilter } from './owner-filter.ts';

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
