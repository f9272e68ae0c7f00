/**
 * Issue 22, finding 5: the last admin could demote or disable themselves.
 * Over real HTTP against real Postgres, Redis and routing
 * (test/api-test-server.ts), where the seeded admin starts as the only one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startApiTestServer,
  testPassword,
  type ApiTestServer,
} from '../../test/api-test-server.ts';

let t: ApiTestServer;

beforeAll(async () => {
  t = await startApiTestServer();
});

afterAll(async () => {
  await t.close();
});

type Refusal = { error: { code: string; message: string } };

async function activeAdmins(): Promise<string[]> {
  const rows = await t.db.db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .execute();
  return rows.map((r) => r.id);
}

let made = 0;
async function newAdmin(cookie: string): Promise<{ id: string; cookie: string }> {
  made += 1;
  const email = `admin-${made}@example.test`;
  const res = await t.request('post', '/users', {
    cookie,
    body: { email, displayName: `Admin ${made}`, role: 'admin', password: testPassword },
  });
  expect(res.status, res.text).toBe(201);
  return { id: (res.body as { id: string }).id, cookie: await t.login(email) };
}

describe('the last active admin', () => {
  it('cannot demote or disable themselves: 409 saying what to do, nothing changed', async () => {
    const admin = await t.login(t.emails.admin!);
    expect(await activeAdmins()).toEqual([t.adminId]);
    for (const change of [{ role: 'supervisor' }, { role: 'agent' }, { disabled: true }]) {
      const res = await t.request('patch', `/users/${t.adminId}`, { cookie: admin, body: change });
      expect(res.status, JSON.stringify(change)).toBe(409);
      const { error } = res.body as Refusal;
      expect(error.code).toBe('conflict');
      expect(error.message).toMatch(
        /^This is the last active admin: .* Make another user an admin first\.$/,
      );
    }
    expect(await activeAdmins()).toEqual([t.adminId]);
    expect((await t.request('get', '/auth/me', { cookie: admin })).status).toBe(200);
  });

  it('cannot be demoted by another admin who is themselves disabled meanwhile', async () => {
    const admin = await t.login(t.emails.admin!);
    const second = await newAdmin(admin);
    // The second admin disables the first, then tries to demote themselves.
    expect(
      (
        await t.request('patch', `/users/${t.adminId}`, {
          cookie: second.cookie,
          body: { disabled: true },
        })
      ).status,
    ).toBe(200);
    const res = await t.request('patch', `/users/${second.id}`, {
      cookie: second.cookie,
      body: { role: 'agent' },
    });
    expect(res.status).toBe(409);
    expect(await activeAdmins()).toEqual([second.id]);
    // Restore the seeded admin for the next test.
    expect(
      (
        await t.request('patch', `/users/${t.adminId}`, {
          cookie: second.cookie,
          body: { disabled: false },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await t.request('patch', `/users/${second.id}`, {
          cookie: await t.login(t.emails.admin!),
          body: { role: 'agent' },
        })
      ).status,
    ).toBe(200);
  });

  it('survives two admins demoting each other at the same moment: exactly one succeeds', async () => {
    let survivor = { id: t.adminId, cookie: await t.login(t.emails.admin!) };
    for (let round = 0; round < 5; round += 1) {
      const other = await newAdmin(survivor.cookie);
      expect(await activeAdmins()).toHaveLength(2);
      const [first, second] = await Promise.all([
        t.request('patch', `/users/${other.id}`, {
          cookie: survivor.cookie,
          body: { role: 'agent' },
        }),
        t.request('patch', `/users/${survivor.id}`, {
          cookie: other.cookie,
          body: { role: 'agent' },
        }),
      ]);
      // The loser is refused by the rule (409), or by their role when the winner's change
      // reached their session first (403); never both through.
      const statuses = [first.status, second.status].toSorted();
      expect(statuses[0], `round ${round}`).toBe(200);
      expect([403, 409], `round ${round}`).toContain(statuses[1]);
      const left = await activeAdmins();
      expect(left, `round ${round}`).toHaveLength(1);
      survivor = left[0] === other.id ? other : survivor;
    }
  });
});
