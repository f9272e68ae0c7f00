import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../database.ts';
import type { ConversationStatus, ConversationsTable } from '../tables/conversation-tables.ts';
import { ownedListQuery, type OwnerFilter } from './owner-filter.ts';

/** Chat, email and voice conversations with their messages. */
export class ConversationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The columns a list shows (fewer to fetch and parse than every column), as a prepared statement. */
  list(filter: { owner: OwnerFilter; status?: ConversationStatus; limit: number }) {
    return listConversations(this.db, filter);
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

const listColumns = [
  'id',
  'channel',
  'status',
  'subject',
  'contact_id',
  'queue_id',
  'assignee_id',
  'call_id',
  'updated_at',
] as const;

/** A list row; `updated_at` as ISO 8601 text. */
export type ConversationListRow = Omit<
  Pick<Selectable<ConversationsTable>, (typeof listColumns)[number]>,
  'updated_at'
> & { updated_at: string };

const listConversations = ownedListQuery<ConversationListRow>(
  'conversations',
  listColumns,
  'assignee_id',
  'queue_id',
  ['updated_at'],
);
