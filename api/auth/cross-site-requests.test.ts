/**
 * Issue 22, finding 7: state-changing requests with the session cookie must
 * come from this server's own pages. Over real HTTP and WebSockets against
 * real Postgres, Redis and routing (test/api-test-server.ts); requests name
 * their Origin or Referer as a browser would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  startApiTestServer,
  testPassword,
  type ApiTestServer,
} from '../../test/api-test-server.ts';

let t: ApiTestServer;
let agent: string;
let self: string;
const evil = 'https://evil.example';

beforeAll(async () => {
  t = await startApiTestServer();
  agent = await t.login(t.emails.agentA!);
  self = t.url;
});

afterAll(async () => {
  await t.close();
});

async function tags(): Promise<string[]> {
  const row = await t.db.db
    .selectFrom('contacts')
    .select('tags')
    .where('id', '=', t.a.contactId)
    .executeTakeFirstOrThrow();
  return row.tags;
}

const setTags = (headers: Record<string, string>, tag: string) =>
  t.request('put', `/contacts/${t.a.contactId}/tags`, { headers, body: { tags: [tag] } });

describe('a write with the session cookie', () => {
  it.each([
    { from: 'another site', headers: () => ({ origin: evil }) },
    {
      from: 'a page elsewhere, by Referer only',
      headers: () => ({ referer: `${evil}/phish.html` }),
    },
    { from: 'a sandboxed frame (Origin: null)', headers: () => ({ origin: 'null' }) },
    {
      from: 'a sibling port on this host',
      headers: () => ({ origin: self.replace(/:\d+$/, ':1') }),
    },
  ])('from $from is refused with 403, and changes nothing', async ({ headers }) => {
    const before = await tags();
    const res = await setTags({ cookie: agent, ...headers() }, 'forged');
    expect(res.status).toBe(403);
    const { error } = res.body as { error: { code: string; message: string } };
    expect(error.code).toBe('forbidden');
    expect(error.message).toMatch(
      /^Cross-site request refused: it comes from \S+, not this server\./,
    );
    expect(await tags()).toEqual(before);
  });

  it("goes through from this server's pages, from no page, behind a local proxy, or by token", async () => {
    // The same write that these let through is refused from another site.
    expect((await setTags({ cookie: agent, origin: evil }, 'forged')).status).toBe(403);
    const allowed: Record<string, string>[] = [
      { origin: self },
      { referer: `${self}/desk` },
      {},
      { origin: 'https://sb.example.com', 'x-forwarded-host': 'sb.example.com' },
    ];
    for (const headers of allowed) {
      const res = await setTags({ cookie: agent, ...headers }, 'ok');
      expect(res.status, JSON.stringify(headers)).toBe(200);
    }
    expect(await tags()).toEqual(['ok']);
    // Reads need no check; bearer tokens are not sent by browsers on their own.
    expect(
      (await t.request('get', '/auth/me', { cookie: agent, headers: { origin: evil } })).status,
    ).toBe(200);
    const created = await t.request('post', '/tokens', {
      cookie: agent,
      body: { name: 'integration', scopes: ['read', 'write'] },
    });
    const { secret } = created.body as { secret: string };
    expect(
      (await setTags({ authorization: `Bearer ${secret}`, origin: evil }, 'by-token')).status,
    ).toBe(200);
  });
});

describe('logging in from another site', () => {
  it('is refused with 403 and sets no cookie', async () => {
    const res = await t.request('post', '/auth/login', {
      headers: { origin: evil },
      body: { email: t.emails.agentB, password: testPassword },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });
});

describe('opening the event socket', () => {
  const open = (headers: Record<string, string>) =>
    new Promise<number>((resolve) => {
      const socket = new WebSocket(`${t.url.replace('http', 'ws')}/api/v1/events`, { headers });
      socket.once('open', () => {
        socket.close();
        resolve(101);
      });
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    });

  it('with the cookie from another site is refused; from this server or by token it opens', async () => {
    expect(await open({ cookie: agent, origin: evil })).toBe(403);
    expect(await open({ cookie: agent, origin: self })).toBe(101);
    const created = await t.request('post', '/tokens', {
      cookie: agent,
      body: { name: 'events', scopes: ['read', 'events'] },
    });
    const { secret } = created.body as { secret: string };
    expect(await open({ authorization: `Bearer ${secret}`, origin: evil })).toBe(101);
  });
});
