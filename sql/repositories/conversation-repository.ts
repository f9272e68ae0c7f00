import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import type { ConversationStatus } from '../tables/conversation-tables.ts';
import { ownedBy, type OwnerFilter } from './owner-filter.ts';

/** Chat, email and voice conversations with their messages. */
export class ConversationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The columns a list shows (fewer to fetch and parse than every column). */
  list(filter: { owner: OwnerFilter; status?: ConversationStatus; limit: number }) {
    let query = this.db
      .selectFrom('conversations')
      .select([
        'id',
        'channel',
        'status',
        'subject',
        'contact_id',
        'queue_id',
        'assignee_id',
        'call_id',
        'updated_at',
      ])
      .where((eb) =>
        ownedBy(eb, filter.owner, 'conversations.assignee_id', 'conversations.queue_id'),
      );
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    return query.orderBy('updated_at', 'desc').orderBy('id').limit(filter.limit).execute();
  }

  findById(id: string) {
    return this.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  messages(conversationId: string, limit: number) {
    return this.db
      .selectFrom('messages')
      .select(['id', 'direction', 'author_user_id', 'author_contact_id', 'body', 'created_at'])
      .where('conversation_id', '=', conversationId)
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  insertMessage(row: {
    conversation_id: string;
    direction: 'outbound' | 'internal';
    author_user_id: string;
    body: string;
  }) {
    return this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('conversations')
        .set({ updated_at: new Date() })
        .where('id', '=', row.conversation_id)
        .execute();
      return tx
        .insertInto('messages')
        .values(row)
        .returning(['id', 'direction', 'author_user_id', 'body', 'created_at'])
        .executeTakeFirstOrThrow();
    });
  }

  forContact(contactId: string, limit: number) {
    return this.db
      .selectFrom('conversations')
      .selectAll()
      .where('contact_id', '=', contactId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
  }
}
