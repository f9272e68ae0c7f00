import type { Kysely } from 'kysely';
import type { Database } from '../sql/database.ts';
import { ContactRepository } from '../sql/repositories/contact-repository.ts';
import { ConversationRepository } from '../sql/repositories/conversation-repository.ts';
import type { OwnerFilter } from '../sql/repositories/owner-filter.ts';
import { TicketRepository } from '../sql/repositories/ticket-repository.ts';

/** An id nothing has: the warm-up reads find no rows, only prepare and plan. */
const nobody = '00000000-0000-0000-0000-000000000000';

/**
 * Readies the database side of the desktop's hot reads before traffic needs
 * them, so the first requests after a start do not pay for it: opens
 * `connections` pooled connections at once (a connection opened under load
 * took 40-130 ms on the development machine, with requests queued behind
 * it) and has each prepare the hot statements, running the contact 360 view
 * until Postgres settles on its cached plan (it plans a custom plan for the
 * first five runs, about 2 ms each). Only the agent and supervisor shapes
 * are warmed: the unfiltered (admin) lists would scan whole tables.
 */
export async function warmDatabase(db: Kysely<Database>, connections: number): Promise<void> {
  const owner: OwnerFilter = { agentIds: [nobody], queueIds: [nobody] };
  await Promise.all(
    Array.from({ length: connections }, () =>
      db.connection().execute(async (conn) => {
        await new ConversationRepository(conn).list({ owner, limit: 20 });
        await new TicketRepository(conn).list({ owner, limit: 20 });
        const contacts = new ContactRepository(conn);
        for (let i = 0; i < 6; i += 1) await contacts.view360(nobody, 50, owner);
      }),
    ),
  );
}
