import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

export interface VoicemailRecord {
  /** Unique per recording; a repeat insert returns the first one's ids. */
  readonly externalId: string;
  readonly queueName: string;
  /** E.164 with '+', or null when the caller's number is withheld or not dialable. */
  readonly callerE164: string | null;
  readonly callerDisplay: string;
  readonly subject: string;
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** Voicemail as a conversation, its message and a ticket; one transaction. */
export class VoicemailRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(v: VoicemailRecord): Promise<{ messageId: string; ticketId: string }> {
    return this.db.transaction().execute(async (tx) => {
      const existing = await tx
        .selectFrom('messages')
        .innerJoin('tickets', 'tickets.conversation_id', 'messages.conversation_id')
        .select(['messages.id as messageId', 'tickets.id as ticketId'])
        .where('messages.external_id', '=', v.externalId)
        .executeTakeFirst();
      if (existing) return existing;

      const queue = await tx
        .selectFrom('queues')
        .select('id')
        .where('name', '=', v.queueName)
        .executeTakeFirst();
      let contactId: string | null = null;
      if (v.callerE164 !== null) {
        const known = await tx
          .selectFrom('contact_phones')
          .select('contact_id')
          .where('normalized', '=', v.callerE164)
          .executeTakeFirst();
        contactId = known?.contact_id ?? null;
        if (contactId === null) {
          const created = await tx
            .insertInto('contacts')
            .values({ attributes: '{}', consent: '{}' })
            .returning('id')
            .executeTakeFirstOrThrow();
          await tx
            .insertInto('contact_phones')
            .values({ contact_id: created.id, phone: v.callerDisplay, normalized: v.callerE164 })
            .execute();
          contactId = created.id;
        }
      }
      const conversation = await tx
        .insertInto('conversations')
        .values({
          channel: 'voice',
          status: 'queued',
          contact_id: contactId,
          queue_id: queue?.id ?? null,
          subject: v.subject,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const message = await tx
        .insertInto('messages')
        .values({
          conversation_id: conversation.id,
          direction: 'inbound',
          author_contact_id: contactId,
          body: v.body,
          external_id: v.externalId,
          headers: JSON.stringify(v.headers),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const ticket = await tx
        .insertInto('tickets')
        .values({
          subject: v.subject,
          requester_id: contactId,
          queue_id: queue?.id ?? null,
          conversation_id: conversation.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('ticket_events')
        .values({
          ticket_id: ticket.id,
          type: 'created',
          details: JSON.stringify({ source: 'voicemail', ...v.headers }),
        })
        .execute();
      return { messageId: message.id, ticketId: ticket.id };
    });
  }
}
