/**
 * Issue 22, finding 2: open event sockets outlived revocation (88 s and
 * more). Real `ws` clients against the live event server over real HTTP,
 * Postgres, Redis and routing (test/api-test-server.ts); a second live
 * event server on its own HTTP server stands for another instance. Each
 * wait is bounded and ends on the socket's own close or message, never on
 * a sleep.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger.ts';
import {
  startApiTestServer,
  testPassword,
  type ApiTestServer,
} from '../../test/api-test-server.ts';
import { startLiveEventServer, type LiveEventServer } from './live-event-server.ts';
import { connectLiveClient, within, type LiveClient } from './test-live-client.ts';

let t: ApiTestServer;
let admin: string;
let other: { server: Server; url: string; live: LiveEventServer };
const opened: LiveClient[] = [];
/** "Within a second or two." */
const promptly = 2_000;

beforeAll(async () => {
  t = await startApiTestServer();
  admin = await t.login(t.emails.admin!);
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const live = await startLiveEventServer({
    server,
    authenticate: (headers) => t.api.authenticate(headers),
    scopes: t.api.scopes,
    readRedis: t.routing.redisHandle.connect(),
    redis: t.routing.redisHandle.connect(),
    streamKey: t.streamKey,
    logger: createLogger({ level: 'silent' }),
    // Only the notice may close sockets here: no routine re-check within the test.
    credentialRecheckMs: 600_000,
  });
  other = { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, live };
});

afterAll(async () => {
  for (const client of opened) await client.close();
  await other.live.close();
  other.server.closeAllConnections();
  await new Promise<void>((resolve) => other.server.close(() => resolve()));
  await t.close();
});

async function connect(headers: Record<string, string>, url = t.url): Promise<LiveClient> {
  const client = await connectLiveClient(url, headers);
  opened.push(client);
  return client;
}

async function newUser(
  role: 'agent' | 'supervisor' | 'admin',
): Promise<{ id: string; cookie: string }> {
  const email = `revoke-${role}-${opened.length}-${Date.now()}@example.test`;
  const res = await t.request('post', '/users', {
    cookie: admin,
    body: { email, displayName: 'Revoke', role, password: testPassword, teamId: t.a.teamId },
  });
  expect(res.status, res.text).toBe(201);
  return { id: (res.body as { id: string }).id, cookie: await t.login(email) };
}

async function append(fields: Record<string, string>): Promise<void> {
  await t.routing.redisHandle.connect().xadd(t.streamKey, '*', ...Object.entries(fields).flat());
}

const ended = { code: 4001, reason: 'credentials ended; log in again' };

describe('open event sockets after a credential ends', () => {
  it('close at once when their token is revoked, on every instance', async () => {
    const cookie = await t.login(t.emails.supA!);
    const created = await t.request('post', '/tokens', {
      cookie,
      body: { name: 'wallboard', scopes: ['read', 'events'] },
    });
    const { id, secret } = created.body as { id: string; secret: string };
    const here = await connect({ authorization: `Bearer ${secret}` });
    const there = await connect({ authorization: `Bearer ${secret}` }, other.url);
    expect((await t.request('delete', `/tokens/${id}`, { cookie })).status).toBe(204);
    expect(await within(here.closed, promptly, 'socket of the revoked token')).toEqual(ended);
    expect(await within(there.closed, promptly, 'the other instance')).toEqual(ended);
  });

  it('close at once on log-out, that session only', async () => {
    const leaving = await t.login(t.emails.agentA!);
    const staying = await t.login(t.emails.agentA!);
    const socket = await connect({ cookie: leaving });
    const otherSession = await connect({ cookie: staying });
    expect((await t.request('post', '/auth/logout', { cookie: leaving, body: {} })).status).toBe(
      204,
    );
    expect(await within(socket.closed, promptly, 'socket of the ended session')).toEqual(ended);
    // The agent's other desktop keeps receiving.
    await append({
      type: 'agent.state-changed',
      agentId: t.a.agentId,
      state: 'break',
      n: 'after-logout',
    });
    await within(
      otherSession.waitFor((m) => m.data?.n === 'after-logout'),
      promptly,
      'event to the session that stayed',
    );
  });

  it('close at once when the user is disabled, whatever the credential', async () => {
    const user = await newUser('supervisor');
    const token = await t.request('post', '/tokens', {
      cookie: user.cookie,
      body: { name: 't', scopes: ['read', 'events'] },
    });
    const bySession = await connect({ cookie: user.cookie });
    const byToken = await connect({
      authorization: `Bearer ${(token.body as { secret: string }).secret}`,
    });
    const there = await connect({ cookie: user.cookie }, other.url);
    const res = await t.request('patch', `/users/${user.id}`, {
      cookie: admin,
      body: { disabled: true },
    });
    expect(res.status).toBe(200);
    for (const [name, socket] of Object.entries({ bySession, byToken, there })) {
      expect(await within(socket.closed, promptly, name)).toEqual(ended);
    }
  });

  it('close at once when the password is set (every session ends)', async () => {
    const user = await newUser('agent');
    const socket = await connect({ cookie: user.cookie });
    const res = await t.request('put', `/users/${user.id}/password`, {
      cookie: admin,
      body: { password: 'a brand new passphrase' },
    });
    expect(res.status).toBe(204);
    expect(await within(socket.closed, promptly, 'socket after a password change')).toEqual(ended);
  });
});

describe('an open event socket after a role change', () => {
  it('is re-scoped at once: told of it, then sent only what the new role may see', async () => {
    const user = await newUser('admin');
    const socket = await connect({ cookie: user.cookie });
    const there = await connect({ cookie: user.cookie }, other.url);
    // As an admin, it sees another agent's events.
    await append({ type: 'agent.state-changed', agentId: t.b.agentId, n: 'before' });
    await within(
      socket.waitFor((m) => m.data?.n === 'before'),
      promptly,
      'event as admin',
    );
    const res = await t.request('patch', `/users/${user.id}`, {
      cookie: admin,
      body: { role: 'agent' },
    });
    expect(res.status).toBe(200);
    for (const client of [socket, there]) {
      const changed = await within(
        client.waitFor((m) => m.kind === 'access-changed'),
        promptly,
        'access-changed message',
      );
      expect(changed.role).toBe('agent');
    }
    await append({ type: 'agent.state-changed', agentId: t.b.agentId, n: 'someone else' });
    await append({ type: 'agent.state-changed', agentId: user.id, n: 'myself' });
    for (const client of [socket, there]) {
      await within(
        client.waitFor((m) => m.data?.n === 'myself'),
        promptly,
        'own event as agent',
      );
      expect(client.events.map((m) => m.data?.n ?? m.kind)).toEqual([
        'before',
        'access-changed',
        'myself',
      ]);
    }
  });
});

describe('an open event socket after the teams a supervisor leads change', () => {
  it("stops carrying the team's events at once", async () => {
    const supervisor = await t.login(t.emails.supB!);
    const socket = await connect({ cookie: supervisor });
    await append({ type: 'agent.state-changed', agentId: t.b.agentId, n: 'team b before' });
    await within(
      socket.waitFor((m) => m.data?.n === 'team b before'),
      promptly,
      'team event',
    );
    const res = await t.request('put', `/teams/${t.b.teamId}/supervisors`, {
      cookie: admin,
      body: { userIds: [] },
    });
    expect(res.status).toBe(200);
    // Events after the change are held until the socket is re-scoped, then filtered anew.
    await append({ type: 'agent.state-changed', agentId: t.b.agentId, n: 'team b after' });
    await append({ type: 'agent.state-changed', agentId: t.b.supervisorId, n: 'own' });
    await within(
      socket.waitFor((m) => m.data?.n === 'own'),
      promptly,
      'own event',
    );
    expect(socket.events.map((m) => m.data?.n)).toEqual(['team b before', 'own']);
  });
});

describe('the routine re-check', () => {
  it('closes a socket whose session expired, with no notice at all', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const live = await startLiveEventServer({
      server,
      authenticate: (headers) => t.api.authenticate(headers),
      scopes: t.api.scopes,
      readRedis: t.routing.redisHandle.connect(),
      redis: t.routing.redisHandle.connect(),
      streamKey: t.streamKey,
      logger: createLogger({ level: 'silent' }),
      credentialRecheckMs: 100,
    });
    try {
      const cookie = await t.login(t.emails.supB!);
      const socket = await connect(
        { cookie },
        `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      );
      await t.db.db
        .updateTable('user_sessions')
        .set({ expires_at: new Date() })
        .where('ended_at', 'is', null)
        .where('user_id', '=', t.b.supervisorId)
        .execute();
      // Bounded by the session cache's lifetime (3 s) plus one re-check.
      expect(await within(socket.closed, 5_000, 'socket of the expired session')).toEqual(ended);
    } finally {
      await live.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
