/**
 * Issue 22, finding 7: a password of twelve spaces was accepted. Over real
 * HTTP against real Postgres, Redis and routing (test/api-test-server.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiTestServer, type ApiTestServer } from '../../test/api-test-server.ts';

let t: ApiTestServer;
let admin: string;

beforeAll(async () => {
  t = await startApiTestServer();
  admin = await t.login(t.emails.admin!);
});

afterAll(async () => {
  await t.close();
});

type Refusal = { error: { code: string; message: string } };

const weak = [
  { password: ' '.repeat(12), problem: 'must not be only spaces' },
  { password: 'aaaaaaaaaaaa', problem: 'must use at least 5 different characters' },
  { password: '123456789012', problem: 'must not be a run such as abcdef… or 123456…' },
  { password: 'Password1234', problem: 'is one of the most common passwords; choose another' },
];

describe('login passwords', () => {
  it.each(weak)(
    '$password is refused when creating a user, naming body.password',
    async ({ password, problem }) => {
      const email = `weak-${password.charCodeAt(0)}@example.test`;
      const res = await t.request('post', '/users', {
        cookie: admin,
        body: { email, displayName: 'Weak', role: 'agent', password },
      });
      expect(res.status).toBe(400);
      expect((res.body as Refusal).error.message).toBe(`body.password: ${problem}`);
      const stored = await t.db.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', email)
        .execute();
      expect(stored).toEqual([]);
    },
  );

  it.each(weak)(
    '$password is refused when setting a password, and the old one still works',
    async ({ password, problem }) => {
      const res = await t.request('put', `/users/${t.a.agentId}/password`, {
        cookie: admin,
        body: { password },
      });
      expect(res.status).toBe(400);
      expect((res.body as Refusal).error.message).toBe(`body.password: ${problem}`);
      await expect(t.login(t.emails.agentA!)).resolves.toMatch(/^sb_session=/);
    },
  );
});
