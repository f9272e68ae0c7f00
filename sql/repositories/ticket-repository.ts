import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database } from '../database.ts';
import type { TicketsTable, TicketStatus } from '../tables/conversation-tables.ts';
import { ownedListQuery, type OwnerFilter } from './owner-filter.ts';

/** Tickets and their history. */
export class TicketRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The columns a list shows (fewer to fetch and parse than every column), as a prepared statement. */
  list(filter: { owner: OwnerFilter; status?: TicketStatus; limit: number }) {
    return listTickets(this.db, filter);
  }

  findById(id: string) {
    return this.db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirst();
  }

  events(ticketId: string) {
    return this.db
      .selectFrom('ticket_events')
      .selectAll()
      .where('ticket_id', '=', ticketId)
      .orderBy('occurred_at')
      .execute();
  }

  /** Applies changes and records one history event per change, in one transaction. */
  update(
    id: string,
    changes: Updateable<TicketsTable>,
    events: readonly {
      type: 'status-changed' | 'priority-changed' | 'assigned';
      details: object;
    }[],
    actorId: string,
  ) {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('tickets')
        .set({ ...changes, updated_at: new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (row !== undefined && events.length > 0) {
        await tx
          .insertInto('ticket_events')
          .values(
            events.map((e) => ({
              ticket_id: id,
              actor_id: actorId,
              type: e.type,
              details: JSON.stringify(e.details),
            })),
          )
          .execute();
      }
      return row;
    });
  }

  forContact(contactId: string, limit: number) {
    return this.db
      .selectFrom('tickets')
      .selectAll()
      .where('requester_id', '=', contactId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
  }
}

const listColumns = [
  'id',
  'number',
  'subject',
  'status',
  'priority',
  'requester_id',
  'assignee_id',
  'queue_id',
  'resolution_due_at',
  'updated_at',
] as const;

/** A list row; `resolution_due_at` and `updated_at` as ISO 8601 text. */
export type TicketListRow = Omit<
  Pick<Selectable<TicketsTable>, (typeof listColumns)[number]>,
  'resolution_due_at' | 'updated_at'
> & { resolution_due_at: string | null; updated_at: string };

const listTickets = ownedListQuery<TicketListRow>(
  'tickets',
  listColumns,
  'assignee_id',
  'queue_id',
  ['resolution_due_at', 'updated_at'],
);
