/**
 * Issue 22, finding 1, over real HTTP against real Postgres, Redis and
 * routing (test/api-test-server.ts): a token scoped `read,write` once
 * created a token with `pii` and `events` and read unmasked numbers with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiTestServer, type ApiTestServer } from '../../test/api-test-server.ts';

let t: ApiTestServer;

beforeAll(async () => {
  t = await startApiTestServer();
});

afterAll(async () => {
  await t.close();
});

type Created = { id: string; secret: string; scopes: string[] };
type Refusal = {
  error: { code: string; message: string; details: { fields: { field: string }[] } };
};

async function tokenCount(): Promise<number> {
  const row = await t.db.db
    .selectFrom('api_tokens')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('a token creating tokens', () => {
  it('may not widen its own scopes: read,write cannot mint pii or events, only narrower', async () => {
    const cookie = await t.login(t.emails.supA!);
    const parent = await t.request('post', '/tokens', {
      cookie,
      body: { name: 'integration', scopes: ['read', 'write'] },
    });
    expect(parent.status).toBe(201);
    const { secret } = parent.body as Created;
    const before = await tokenCount();
    for (const scopes of [['read', 'write', 'pii', 'events'], ['pii'], ['events']]) {
      const child = await t.request('post', '/tokens', {
        bearer: secret,
        body: { name: 'wider', scopes },
      });
      expect(child.status, JSON.stringify(scopes)).toBe(403);
      const { error } = child.body as Refusal;
      expect(error.code).toBe('forbidden');
      expect(error.message).toMatch(/^body\.scopes: this token cannot grant/);
      expect(error.details.fields[0]!.field).toBe('body.scopes');
    }
    expect(await tokenCount()).toBe(before);
    // The attacker's next step fails too: with the parent token the numbers stay masked.
    const contact = await t.request('get', `/contacts/${t.a.contactId}`, { bearer: secret });
    expect((contact.body as { phones: { phone: string }[] }).phones[0]!.phone).not.toBe(t.a.phone);
    // Narrower is fine, and the narrower token works within its scopes.
    const child = await t.request('post', '/tokens', {
      bearer: secret,
      body: { name: 'read only', scopes: ['read'] },
    });
    expect(child.status).toBe(201);
    expect((child.body as Created).scopes).toEqual(['read']);
    expect(
      (await t.request('get', '/queues', { bearer: (child.body as Created).secret })).status,
    ).toBe(200);
  });

  it('may not outlive the token that creates it', async () => {
    const cookie = await t.login(t.emails.supA!);
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const parent = (
      await t.request('post', '/tokens', {
        cookie,
        body: { name: 'hour', scopes: ['read', 'write'], expiresAt },
      })
    ).body as Created;
    const forever = await t.request('post', '/tokens', {
      bearer: parent.secret,
      body: { name: 'forever', scopes: ['read'] },
    });
    expect(forever.status).toBe(403);
    expect((forever.body as Refusal).error.message).toMatch(/^body\.expiresAt: /);
    const within = await t.request('post', '/tokens', {
      bearer: parent.secret,
      body: { name: 'within', scopes: ['read'], expiresAt },
    });
    expect(within.status).toBe(201);
  });
});

describe('a user creating tokens', () => {
  it('gets only what their role allows: an agent cannot hold pii, a supervisor can', async () => {
    const agent = await t.login(t.emails.agentA!);
    const before = await tokenCount();
    const refused = await t.request('post', '/tokens', {
      cookie: agent,
      body: { name: 'agent pii', scopes: ['read', 'pii'] },
    });
    expect(refused.status).toBe(403);
    expect((refused.body as Refusal).error.message).toBe(
      'body.scopes: the agent role cannot grant pii; it may grant read, write, events',
    );
    expect(await tokenCount()).toBe(before);
    const allowed = await t.request('post', '/tokens', {
      cookie: agent,
      body: { name: 'agent events', scopes: ['read', 'events'] },
    });
    expect(allowed.status).toBe(201);
    const supervisor = await t.login(t.emails.supA!);
    const pii = await t.request('post', '/tokens', {
      cookie: supervisor,
      body: { name: 'supervisor pii', scopes: ['read', 'pii'] },
    });
    expect(pii.status).toBe(201);
    const contact = await t.request('get', `/contacts/${t.a.contactId}`, {
      bearer: (pii.body as Created).secret,
    });
    expect((contact.body as { phones: { phone: string }[] }).phones[0]!.phone).toBe(t.a.phone);
  });
});
