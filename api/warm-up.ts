import type { Request, Response } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../sql/database.ts';
import { ContactRepository } from '../sql/repositories/contact-repository.ts';
import { ConversationRepository } from '../sql/repositories/conversation-repository.ts';
import type { OwnerFilter } from '../sql/repositories/owner-filter.ts';
import { TicketRepository } from '../sql/repositories/ticket-repository.ts';
import type { AccessScopeResolver } from './access/access-scope-resolver.ts';
import type { Principal } from './access/principal.ts';
import type { RouteDefinition } from './routes/route-definition.ts';
import { parseRequestPart } from './routes/request-validation.ts';

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

/**
 * Runs the desktop's hot reads (my conversations, my tickets, a contact's 360
 * view) through their route handlers `rounds` times, as a user who has work
 * (the assignee of some conversation), so the code they run is compiled and
 * optimised before the first desktop asks: in the first second after a start
 * the server otherwise needed about twice its usual CPU per request. The
 * answers are thrown away; nothing is written or audited. Does nothing on a
 * database with no assigned conversation.
 */
export async function warmRoutes(
  db: Kysely<Database>,
  routes: readonly RouteDefinition[],
  scopes: AccessScopeResolver,
  rounds: number,
): Promise<void> {
  const sample = await db
    .selectFrom('conversations')
    .innerJoin('users', 'users.id', 'conversations.assignee_id')
    .select(['users.id', 'users.role', 'users.email', 'conversations.contact_id'])
    .where('users.role', '!=', 'admin')
    .where('users.disabled_at', 'is', null)
    .where('conversations.contact_id', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  if (sample === undefined) return;
  const principal: Principal = {
    userId: sample.id,
    role: sample.role,
    label: sample.email,
    credential: { kind: 'session', sessionId: 'warm-up' },
  };
  const reads = [
    { path: '/conversations', params: {}, query: { limit: '20' } },
    { path: '/tickets', params: {}, query: { limit: '20' } },
    { path: '/contacts/:contactId', params: { contactId: sample.contact_id }, query: {} },
  ].flatMap((read) => {
    const route = routes.find((r) => r.method === 'get' && r.path === read.path);
    return route === undefined ? [] : [{ ...read, route }];
  });
  for (let i = 0; i < rounds; i += 1) {
    for (const { route, params, query } of reads) {
      const result = await route.handler({
        params: parseRequestPart(route.params, params, 'params'),
        query: parseRequestPart(route.query, query, 'query'),
        body: undefined,
        principal,
        scope: () => scopes.resolve(principal),
        // The hot reads never touch the raw request or response.
        req: undefined as unknown as Request,
        res: undefined as unknown as Response,
        auditDetails: () => undefined,
        auditTarget: () => undefined,
      });
      JSON.stringify(result?.body);
    }
  }
}
