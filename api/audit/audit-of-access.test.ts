/**
 * Issue 22, finding 7: role changes audited with old and new values,
 * refused requests (403) audited, and the entries anyone can cause (failed
 * log-ins, refusals) bounded per address or user. Over real HTTP against
 * real Postgres, Redis and routing (test/api-test-server.ts), with the
 * default budget of 10 entries a minute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  startApiTestServer,
  testPassword,
  type ApiTestServer,
} from '../../test/api-test-server.ts';

let t: ApiTestServer;

/** The HTTP status an event-socket upgrade with `headers` is answered with (101 when opened). */
function upgradeStatus(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/api/v1/events`, { headers });
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => {
      resolve(101);
      socket.close();
    });
    socket.on('error', reject);
  });
}
let admin: string;

beforeAll(async () => {
  t = await startApiTestServer();
  admin = await t.login(t.emails.admin!);
});

afterAll(async () => {
  await t.close();
});

interface Entry {
  actorId: string | null;
  action: string;
  targetId: string | null;
  sourceAddress: string | null;
  details: Record<string, unknown>;
}

async function entries(action: string): Promise<Entry[]> {
  const res = await t.request('get', `/audit?action=${action}&limit=200`, { cookie: admin });
  expect(res.status).toBe(200);
  return (res.body as { items: Entry[] }).items;
}

/** At most two budgets: the requests may straddle a minute's turn. */
const budget = { atLeast: 10, atMost: 20 };

describe('changes to what someone may do', () => {
  it('are audited with the old and new role, team and disabled state', async () => {
    const created = await t.request('post', '/users', {
      cookie: admin,
      body: {
        email: 'promoted@example.test',
        displayName: 'P',
        role: 'agent',
        password: testPassword,
      },
    });
    const { id } = created.body as { id: string };
    await t.request('patch', `/users/${id}`, {
      cookie: admin,
      body: { role: 'supervisor', teamId: t.a.teamId },
    });
    await t.request('patch', `/users/${id}`, { cookie: admin, body: { disabled: true } });
    const [disabled, promoted] = (await entries('user.update')).filter((e) => e.targetId === id);
    expect(promoted?.details).toMatchObject({
      role: { from: 'agent', to: 'supervisor' },
      teamId: { from: null, to: t.a.teamId },
    });
    expect(promoted?.details.disabled).toBeUndefined();
    expect(disabled?.details).toMatchObject({ disabled: { from: false, to: true } });
    expect(disabled?.details.role).toBeUndefined();

    await t.request('put', `/teams/${t.a.teamId}/supervisors`, {
      cookie: admin,
      body: { userIds: [t.b.supervisorId] },
    });
    const [team] = await entries('team.set-supervisors');
    expect(team?.details.supervisors).toEqual({ from: [t.a.supervisorId], to: [t.b.supervisorId] });
  });
});

describe('refused requests (403)', () => {
  it('are audited: who, which route, why, from where', async () => {
    const agent = await t.login(t.emails.agentA!);
    expect((await t.request('get', '/audit', { cookie: agent })).status).toBe(403);
    const token = await t.request('post', '/tokens', {
      cookie: agent,
      body: { name: 'read only', scopes: ['read'] },
    });
    const { id: tokenId, secret } = token.body as { id: string; secret: string };
    const write = await t.request('put', '/agent/state', {
      bearer: secret,
      body: { state: 'available' },
    });
    expect(write.status).toBe(403);
    const crossSite = await t.request('put', `/contacts/${t.a.contactId}/tags`, {
      cookie: agent,
      headers: { origin: 'https://evil.example' },
      body: { tags: ['x'] },
    });
    expect(crossSite.status).toBe(403);
    const denied = (await entries('access.denied')).filter((e) => e.actorId === t.a.agentId);
    expect(denied.map((e) => e.targetId).toSorted()).toEqual([
      'GET /audit',
      'PUT /agent/state',
      'PUT /contacts/:contactId/tags',
    ]);
    const byTarget = new Map(denied.map((e) => [e.targetId, e]));
    expect(byTarget.get('GET /audit')?.details.reason).toBe('Needs the admin role');
    expect(byTarget.get('PUT /agent/state')?.details).toMatchObject({
      reason: 'Token lacks the write scope',
      tokenId,
    });
    expect(byTarget.get('PUT /contacts/:contactId/tags')?.details.reason).toMatch(
      /^Cross-site request refused/,
    );
    expect(byTarget.get('GET /audit')?.sourceAddress).toMatch(/127\.0\.0\.1/);
  });

  it('include event sockets refused for their scope or their origin', async () => {
    const agent = await t.login(t.emails.agentA!);
    const token = await t.request('post', '/tokens', {
      cookie: agent,
      body: { name: 'no events', scopes: ['read'] },
    });
    const { secret } = token.body as { secret: string };
    expect(await upgradeStatus({ authorization: `Bearer ${secret}` })).toBe(403);
    expect(await upgradeStatus({ cookie: agent, origin: 'https://evil.example' })).toBe(403);
    // Nobody known: a 401, not an audit entry anyone could cause.
    expect(await upgradeStatus({})).toBe(401);
    const denied = (await entries('access.denied')).filter(
      (e) => e.targetId === 'GET /api/v1/events',
    );
    expect(denied.map((e) => e.actorId)).toEqual([t.a.agentId, t.a.agentId]);
    expect(denied.map((e) => String(e.details.reason)).toSorted()).toEqual([
      expect.stringMatching(/^Cross-site request refused/),
      'the token lacks the events scope',
    ]);
  });

  it('cannot flood the audit log: one user gets a budget of entries a minute', async () => {
    const agent = await t.login(t.emails.agentB!);
    for (let i = 0; i < 40; i += 1) {
      expect((await t.request('get', '/audit', { cookie: agent })).status).toBe(403);
    }
    const denied = (await entries('access.denied')).filter((e) => e.actorId === t.b.agentId);
    expect(denied.length).toBeGreaterThanOrEqual(budget.atLeast);
    expect(denied.length).toBeLessThanOrEqual(budget.atMost);
  });
});

describe('failed log-ins', () => {
  it('cannot flood the audit log: one address gets a budget of entries a minute, others their own', async () => {
    const from = (address: string) => ({ 'x-forwarded-for': address });
    for (let i = 0; i < 40; i += 1) {
      const res = await t.request('post', '/auth/login', {
        headers: from('203.0.113.7'),
        body: { email: `nobody-${i}@example.test`, password: 'wrong password' },
      });
      expect([401, 429]).toContain(res.status);
    }
    await t.request('post', '/auth/login', {
      headers: from('203.0.113.8'),
      body: { email: 'someone@example.test', password: 'wrong password' },
    });
    const refused = [
      ...(await entries('auth.login-failed')),
      ...(await entries('auth.login-locked')),
    ];
    const flood = refused.filter((e) => e.sourceAddress === '203.0.113.7');
    expect(flood.length).toBeGreaterThanOrEqual(budget.atLeast);
    expect(flood.length).toBeLessThanOrEqual(budget.atMost);
    expect(refused.filter((e) => e.sourceAddress === '203.0.113.8')).toHaveLength(1);
  });
});
