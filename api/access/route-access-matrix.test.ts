/**
 * The generated role x route x other-user's-object matrix, over real HTTP
 * against real Postgres, Redis and routing (test/api-test-server.ts). For
 * every route and every role, path parameters point at team B's objects
 * while the caller belongs to team A (or is the admin):
 * - a role below the route's minimum gets 403;
 * - an agent or supervisor acting on team B's object gets 403 or 404;
 * - "my desk" routes (/agent/...) on agent B's offer or contact refuse everyone;
 * - an admin is never refused (no 401/403/404);
 * - list routes a role may call never include team B's objects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleAtLeast } from './principal.ts';
import type { UserRole } from '../../sql/tables/people-tables.ts';
import { startApiTestServer, type ApiTestServer } from '../../test/api-test-server.ts';

let t: ApiTestServer;
const cookies = {} as Record<UserRole, string>;
let otherParams: Record<string, string>;
let codeB: string;

beforeAll(async () => {
  t = await startApiTestServer();
  cookies.agent = await t.login(t.emails.agentA!);
  cookies.supervisor = await t.login(t.emails.supA!);
  cookies.admin = await t.login(t.emails.admin!);
  const cookieB = await t.login(t.emails.agentB!);
  const token = await t.request('post', '/tokens', {
    cookie: cookieB,
    body: { name: 'b-token', scopes: ['read'] },
  });
  const cred = await t.request('post', `/users/${t.b.agentId}/sip-credentials`, {
    cookie: cookies.admin,
    body: { username: 'agent-b', realm: 'sip.example.test', password: 'phone-secret-1' },
  });
  const number = await t.request('post', '/phone-numbers', {
    cookie: cookies.admin,
    body: { number: '+15557770000', flowName: 'main-menu' },
  });
  // A real ringing offer for agent B, from routing.
  await t.routing.desk.logIn(t.b.agentId);
  await t.routing.acd.enqueue({
    contactId: 'acd-contact-b',
    channel: 'voice',
    queueId: t.b.queueId,
    requiredSkills: [],
    priority: 3,
  });
  const offer = (await t.routing.desk.status(t.b.agentId)).offers[0];
  // A disposition code of team B's queue, for the /disposition-codes/:codeId rows.
  const code = await t.db.db
    .insertInto('disposition_codes')
    .values({ code: 'b-only', label: 'Team B only', queue_id: t.b.queueId })
    .returning('id')
    .executeTakeFirstOrThrow();
  codeB = code.id;
  otherParams = {
    userId: t.b.agentId,
    agentId: t.b.agentId,
    teamId: t.b.teamId,
    queueId: t.b.queueId,
    callId: t.b.callId,
    recordingId: t.b.recordingId,
    contactId: t.b.contactId,
    conversationId: t.b.conversationId,
    ticketId: t.b.ticketId,
    tokenId: (token.body as { id: string }).id,
    credentialId: (cred.body as { id: string }).id,
    phoneNumberId: (number.body as { id: string }).id,
    codeId: codeB,
    offerId: offer?.offerId ?? 'missing-offer',
    flowName: 'main-menu',
    version: '1',
  };
  await t.db.db
    .insertInto('flows')
    .values({ name: 'main-menu', version: 1, definition: JSON.stringify({ id: 'main-menu' }) })
    .execute();
});

afterAll(async () => {
  await t.close();
});

const roles: UserRole[] = ['agent', 'supervisor', 'admin'];

function teamBIds(): string[] {
  return [
    t.b.agentId,
    t.b.teamId,
    t.b.queueId,
    t.b.callId,
    t.b.contactId,
    t.b.conversationId,
    t.b.ticketId,
    codeB,
  ];
}

describe('role x route x other-user object', () => {
  it('covers every route for every role', async () => {
    const routes = t.api.routes
      .filter((r) => r.minimumRole !== 'public' && r.path !== '/auth/logout')
      // Deletes last, so no other row finds its object already gone.
      .toSorted((x, y) => Number(x.method === 'delete') - Number(y.method === 'delete'));
    const failures: string[] = [];
    let checked = 0;
    for (const role of roles) {
      for (const route of routes) {
        let selfRoute = route.path.startsWith('/agent/');
        const path = route.path.replace(/:(\w+)/g, (_, name: string) => {
          if (selfRoute && name === 'contactId') return 'acd-contact-b';
          return otherParams[name] ?? `unknown-${name}`;
        });
        const hasObject = path !== route.path;
        selfRoute &&= hasObject;
        const res = await t.request(route.method, path, {
          cookie: cookies[role],
          body: route.method === 'get' ? undefined : {},
        });
        checked += 1;
        const label = `${role} ${route.method.toUpperCase()} ${route.path} -> ${res.status}`;
        const minimum = route.minimumRole as UserRole;
        if (!roleAtLeast(role, minimum)) {
          if (res.status !== 403) failures.push(`${label} (expected 403: below ${minimum})`);
        } else if (selfRoute) {
          if (![403, 404, 409].includes(res.status))
            failures.push(`${label} (another agent's offer or contact)`);
        } else if (hasObject && role !== 'admin') {
          if (![403, 404].includes(res.status)) failures.push(`${label} (team B's object)`);
        } else if (role === 'admin' && hasObject) {
          if ([401, 403, 404].includes(res.status)) failures.push(`${label} (admin refused)`);
        } else {
          if ([401, 403].includes(res.status)) failures.push(`${label} (allowed role refused)`);
          if (route.method === 'get' && role !== 'admin') {
            const leaked = teamBIds().filter((id) => res.text.includes(id));
            if (leaked.length > 0) failures.push(`${label} leaks team B ids ${leaked.join(',')}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(routes.length * roles.length);
  });

  it('refuses every non-public route without credentials', async () => {
    for (const route of t.api.routes.filter((r) => r.minimumRole !== 'public')) {
      const path = route.path.replace(/:(\w+)/g, (_, name: string) => otherParams[name] ?? 'x');
      const res = await t.request(route.method, path, {
        body: route.method === 'get' ? undefined : {},
      });
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
      expect((res.body as { error: { code: string } }).error.code).toBe('unauthenticated');
    }
  });
});
