/**
 * PUT /auth/password: a user changing their own password. Over real HTTP
 * and a real `ws` event socket, against real Postgres, Redis and routing
 * (test/api-test-server.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startApiTestServer,
  testPassword,
  type ApiTestServer,
} from '../../test/api-test-server.ts';
import { connectLiveClient, within, type LiveClient } from '../events/test-live-client.ts';

let t: ApiTestServer;
let admin: string;
const opened: LiveClient[] = [];
const newPassphrase = 'a fresh passphrase for the desk';

beforeAll(async () => {
  t = await startApiTestServer();
  admin = await t.login(t.emails.admin!);
});

afterAll(async () => {
  for (const client of opened) await client.close();
  await t.close();
});

type Refusal = { error: { code: string; message: string; details?: { fields?: unknown[] } } };

/** A user of their own, so a lock-out or a changed password touches no other test. */
async function newAgent(name: string): Promise<{ id: string; email: string }> {
  const email = `${name}@example.test`;
  const res = await t.request('post', '/users', {
    cookie: admin,
    body: { email, displayName: name, role: 'agent', password: testPassword },
  });
  expect(res.status, res.text).toBe(201);
  return { id: (res.body as { id: string }).id, email };
}

async function auditDetails(action: string, targetId: string) {
  const res = await t.request('get', `/audit?action=${action}&limit=200`, { cookie: admin });
  const items = (res.body as { items: { targetId: string; details: unknown }[] }).items;
  return items.filter((e) => e.targetId === targetId).map((e) => e.details);
}

describe('changing my own password', () => {
  it('ends my other sessions and closes their event sockets, keeps this one, audits without the password', async () => {
    const user = await newAgent('changer');
    const here = await t.login(user.email);
    const elsewhere = await t.login(user.email);
    const socket = await connectLiveClient(t.url, { cookie: elsewhere });
    opened.push(socket);
    const res = await t.request('put', '/auth/password', {
      cookie: here,
      body: { currentPassword: testPassword, newPassword: newPassphrase },
    });
    expect(res.status, res.text).toBe(204);
    expect(await within(socket.closed, 2_000, 'the other session’s socket')).toEqual({
      code: 4001,
      reason: 'credentials ended; log in again',
    });
    expect((await t.request('get', '/auth/me', { cookie: elsewhere })).status).toBe(401);
    expect((await t.request('get', '/auth/me', { cookie: here })).status).toBe(200);
    await expect(t.login(user.email)).rejects.toThrow(/401/);
    await expect(t.login(user.email, newPassphrase)).resolves.toMatch(/^sb_session=/);
    const [details] = await auditDetails('user.password-change', user.id);
    expect(details).toMatchObject({ endedSessions: 1 });
    expect(JSON.stringify(details)).not.toContain(newPassphrase);
    expect(JSON.stringify(details)).not.toContain(testPassword);
  });

  it('refuses a wrong current password naming body.currentPassword, and counts it toward the lock-out', async () => {
    const user = await newAgent('guesser');
    const cookie = await t.login(user.email);
    for (let i = 0; i < 5; i += 1) {
      const res = await t.request('put', '/auth/password', {
        cookie,
        body: { currentPassword: `wrong guess ${i}`, newPassword: newPassphrase },
      });
      expect(res.status).toBe(400);
      expect((res.body as Refusal).error.message).toBe(
        'body.currentPassword: is not your current password',
      );
    }
    const locked = await t.request('put', '/auth/password', {
      cookie,
      body: { currentPassword: testPassword, newPassword: newPassphrase },
    });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    const login = await t.request('post', '/auth/login', {
      body: { email: user.email, password: testPassword },
    });
    expect(login.status).toBe(429);
    expect(await auditDetails('user.password-change', user.id)).toEqual([]);
  });

  it('puts the new password through the password policy, naming body.newPassword', async () => {
    const user = await newAgent('weakling');
    const cookie = await t.login(user.email);
    const res = await t.request('put', '/auth/password', {
      cookie,
      body: { currentPassword: testPassword, newPassword: 'aaaaaaaaaaaa' },
    });
    expect(res.status).toBe(400);
    expect((res.body as Refusal).error.message).toBe(
      'body.newPassword: must use at least 5 different characters',
    );
    await expect(t.login(user.email)).resolves.toMatch(/^sb_session=/);
  });

  it('refuses an API token with 403: a token must not change its owner’s password', async () => {
    const user = await newAgent('integration');
    const cookie = await t.login(user.email);
    const created = await t.request('post', '/tokens', {
      cookie,
      body: { name: 'crm', scopes: ['read', 'write'] },
    });
    const { secret } = created.body as { secret: string };
    const res = await t.request('put', '/auth/password', {
      bearer: secret,
      body: { currentPassword: testPassword, newPassword: newPassphrase },
    });
    expect(res.status).toBe(403);
    expect((res.body as Refusal).error.code).toBe('forbidden');
    await expect(t.login(user.email)).resolves.toMatch(/^sb_session=/);
  });
});
