/**
 * Authentication, audit, validation, recordings, masking and the OpenAPI
 * document, over real HTTP against real Postgres, Redis and routing
 * (test/api-test-server.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiTestServer, testPassword, type ApiTestServer } from '../test/api-test-server.ts';

let t: ApiTestServer;
let admin: string;

beforeAll(async () => {
  t = await startApiTestServer();
  admin = await t.login(t.emails.admin!);
});

afterAll(async () => {
  await t.close();
});

type ErrorReply = {
  error: { code: string; message: string; details?: { fields?: { field: string }[] } };
};
type AuditItems = {
  items: {
    action: string;
    actorId: string | null;
    actorLabel: string;
    targetType: string;
    targetId: string | null;
    sourceAddress: string | null;
    occurredAt: string;
    details: Record<string, unknown>;
  }[];
};

async function auditEntries(action: string) {
  const res = await t.request('get', `/audit?action=${action}&limit=200`, { cookie: admin });
  expect(res.status).toBe(200);
  return (res.body as AuditItems).items;
}

describe('sessions', () => {
  it('sets an httpOnly SameSite cookie, and logout ends the session', async () => {
    const res = await t.request('post', '/auth/login', {
      body: { email: t.emails.agentA, password: testPassword },
    });
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^sb_session=sbs_/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    const cookie = setCookie.split(';')[0]!;
    expect((await t.request('get', '/auth/me', { cookie })).status).toBe(200);
    const out = await t.request('post', '/auth/logout', { cookie, body: {} });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await t.request('get', '/auth/me', { cookie })).status).toBe(401);
    expect((await auditEntries('auth.logout')).some((e) => e.actorLabel === t.emails.agentA)).toBe(
      true,
    );
  });

  it('locks an account after repeated failures, even for the right password, and audits both', async () => {
    const email = t.emails.supB!;
    for (let i = 0; i < 5; i += 1) {
      const res = await t.request('post', '/auth/login', {
        body: { email, password: 'wrong-password' },
      });
      expect(res.status).toBe(401);
      expect((res.body as ErrorReply).error.code).toBe('unauthenticated');
    }
    const locked = await t.request('post', '/auth/login', {
      body: { email, password: testPassword },
    });
    expect(locked.status).toBe(429);
    expect((locked.body as ErrorReply).error.code).toBe('rate_limited');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    const failures = (await auditEntries('auth.login-failed')).filter(
      (e) => e.actorLabel === email,
    );
    expect(failures).toHaveLength(5);
    expect(failures[0]!.sourceAddress).toMatch(/127\.0\.0\.1/);
    expect((await auditEntries('auth.login-locked')).some((e) => e.actorLabel === email)).toBe(
      true,
    );
  });

  it('answers unknown emails exactly like wrong passwords', async () => {
    const res = await t.request('post', '/auth/login', {
      body: { email: 'nobody@example.test', password: 'whatever' },
    });
    expect(res.status).toBe(401);
    expect((res.body as ErrorReply).error.message).toBe('Email or password is wrong');
  });
});

describe('API tokens', () => {
  it('are hashed at rest, scoped, and revocable', async () => {
    const cookie = await t.login(t.emails.supA!);
    const created = await t.request('post', '/tokens', {
      cookie,
      body: { name: 'wallboard', scopes: ['read'] },
    });
    expect(created.status).toBe(201);
    const { id, secret } = created.body as { id: string; secret: string };
    expect(secret).toMatch(/^sbt_/);
    const stored = await t.db.db
      .selectFrom('api_tokens')
      .select('token_hash')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(secret.slice(4));
    expect((await t.request('get', '/queues', { bearer: secret })).status).toBe(200);
    const write = await t.request('put', `/agents/${t.a.agentId}/state`, {
      bearer: secret,
      body: { state: 'available' },
    });
    expect(write.status).toBe(403);
    expect((await t.request('delete', `/tokens/${id}`, { cookie })).status).toBe(204);
    expect((await t.request('get', '/queues', { bearer: secret })).status).toBe(401);
    expect((await auditEntries('token.revoke')).some((e) => e.targetId === id)).toBe(true);
  });
});

describe('validation', () => {
  it('names every bad field and changes nothing', async () => {
    const before = await t.db.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const res = await t.request('post', '/users', {
      cookie: admin,
      body: { email: 'not-an-email', displayName: '', role: 'king', password: 'short' },
    });
    expect(res.status).toBe(400);
    const reply = res.body as ErrorReply;
    expect(reply.error.code).toBe('validation_failed');
    expect(reply.error.details?.fields?.map((f) => f.field).sort()).toEqual([
      'body.displayName',
      'body.email',
      'body.password',
      'body.role',
    ]);
    const after = await t.db.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    expect(await auditEntries('user.create')).toHaveLength(0);
  });

  it('answers malformed JSON with the error shape and no stack', async () => {
    const res = await t.request('post', '/users', {
      cookie: admin,
      body: '{"email": ',
    });
    expect(res.status).toBe(400);
    expect((res.body as ErrorReply).error.code).toBe('validation_failed');
    expect(res.text).not.toMatch(/at \w+ \(/);
  });

  it('audits successful writes with actor, target and source', async () => {
    const res = await t.request('post', '/skills', { cookie: admin, body: { name: 'spanish' } });
    expect(res.status).toBe(201);
    const [entry] = await auditEntries('skill.create');
    expect(entry).toMatchObject({
      actorId: t.adminId,
      targetType: 'skill',
      targetId: (res.body as { id: string }).id,
    });
    expect(entry!.sourceAddress).toMatch(/127\.0\.0\.1/);
    expect(Date.parse(entry!.occurredAt)).not.toBeNaN();
  });

  it('refuses to change the audit log, even from SQL', async () => {
    await expect(t.db.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
  });
});

describe('recordings', () => {
  it('streams with HTTP Range and audits every access', async () => {
    const cookie = await t.login(t.emails.agentA!);
    const path = `/recordings/${t.a.recordingId}/audio`;
    const whole = await fetch(`${t.url}/api/v1${path}`, { headers: { cookie } });
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(t.recordingBytes)).toBe(true);
    const part = await fetch(`${t.url}/api/v1${path}`, {
      headers: { cookie, range: 'bytes=100-199' },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${t.recordingBytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(t.recordingBytes.subarray(100, 200))).toBe(
      true,
    );
    const tail = await fetch(`${t.url}/api/v1${path}`, { headers: { cookie, range: 'bytes=-10' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(t.recordingBytes.subarray(-10))).toBe(true);
    const past = await fetch(`${t.url}/api/v1${path}`, {
      headers: { cookie, range: 'bytes=999999-' },
    });
    expect(past.status).toBe(416);
    const entries = (await auditEntries('recording.access')).filter(
      (e) => e.targetId === t.a.recordingId,
    );
    expect(entries).toHaveLength(4);
    expect(entries.every((e) => e.actorId === t.a.agentId)).toBe(true);
  });
});

describe('supervisor actions', () => {
  it('joins a live call in whisper mode and audits it', async () => {
    const cookie = await t.login(t.emails.supA!);
    t.liveCalls.connect(t.a.callId);
    const res = await t.request('post', `/calls/${t.a.callId}/supervision`, {
      cookie,
      body: { mode: 'whisper' },
    });
    expect(res.status).toBe(200);
    expect(t.liveCalls.supervision.get(t.a.callId)?.get(t.a.supervisorId)).toBe('whisper');
    // The agent's banner will name the supervisor by their display name.
    expect(t.liveCalls.supervisorNames.get(t.a.supervisorId)).toBe('supA');
    const [entry] = await auditEntries('supervisor.supervise');
    expect(entry?.targetId).toBe(t.a.callId);
    expect(entry?.details.mode).toBe('whisper');
  });

  it('lets the agent on the call pause and resume its recording, audited, and refuses a call not theirs', async () => {
    const agent = await t.login(t.emails.agentA!);
    t.liveCalls.connect(t.a.callId);
    const paused = await t.request('post', `/calls/${t.a.callId}/recording/pause`, {
      cookie: agent,
    });
    expect(paused.status).toBe(200);
    expect(paused.body).toEqual({ callId: t.a.callId, recording: 'paused' });
    expect(t.liveCalls.pausedRecordings.has(t.a.callId)).toBe(true);
    const resumed = await t.request('post', `/calls/${t.a.callId}/recording/resume`, {
      cookie: agent,
    });
    expect(resumed.status).toBe(200);
    expect(t.liveCalls.pausedRecordings.has(t.a.callId)).toBe(false);
    expect((await auditEntries('recording.pause'))[0]?.targetId).toBe(t.a.callId);
    expect((await auditEntries('recording.resume'))[0]?.targetId).toBe(t.a.callId);

    t.liveCalls.connect(t.b.callId);
    const other = await t.request('post', `/calls/${t.b.callId}/recording/pause`, {
      cookie: agent,
    });
    expect(other.status).toBe(404);
    expect(t.liveCalls.pausedRecordings.has(t.b.callId)).toBe(false);
  });

  it("changes a team agent's state through routing and audits it", async () => {
    const cookie = await t.login(t.emails.supA!);
    await t.routing.desk.logIn(t.a.agentId);
    const res = await t.request('put', `/agents/${t.a.agentId}/state`, {
      cookie,
      body: { state: 'break', reason: 'coaching' },
    });
    expect(res.status).toBe(200);
    expect((res.body as { state: string }).state).toBe('break');
    expect((await t.routing.desk.status(t.a.agentId)).reason).toBe('coaching');
    expect((await auditEntries('supervisor.set-agent-state'))[0]?.targetId).toBe(t.a.agentId);
  });
});

describe('sensitive data', () => {
  it('masks phones and emails for agents, not for supervisors', async () => {
    const agent = await t.login(t.emails.agentA!);
    const supervisor = await t.login(t.emails.supA!);
    const asAgent = (await t.request('get', `/contacts/${t.a.contactId}`, { cookie: agent }))
      .body as {
      phones: { phone: string }[];
      emails: { email: string }[];
      calls: { from: string }[];
      conversations: unknown[];
      tickets: unknown[];
    };
    expect(asAgent.phones[0]!.phone).toBe('+1••••••0001');
    expect(asAgent.emails[0]!.email).toBe('c•••@example.org');
    expect(asAgent.calls[0]!.from).toBe('+1••••••0001');
    expect(asAgent.conversations).toHaveLength(1);
    expect(asAgent.tickets).toHaveLength(1);
    const asSupervisor = (
      await t.request('get', `/contacts/${t.a.contactId}`, { cookie: supervisor })
    ).body as {
      phones: { phone: string }[];
    };
    expect(asSupervisor.phones[0]!.phone).toBe(t.a.phone);
  });

  it("lists each past call's recordings in the 360 view, for a player", async () => {
    const agent = await t.login(t.emails.agentA!);
    const view = (await t.request('get', `/contacts/${t.a.contactId}`, { cookie: agent })).body as {
      calls: { id: string; recordings: { id: string; durationMs: number }[] }[];
    };
    const call = view.calls.find((c) => c.id === t.a.callId);
    expect(call?.recordings.map((r) => r.id)).toEqual([t.a.recordingId]);
    expect(call?.recordings[0]?.durationMs).toBeGreaterThan(0);
    const audio = await t.request('get', `/recordings/${t.a.recordingId}/audio`, {
      cookie: agent,
    });
    expect(audio.status).toBe(200);
  });

  it('redacts card numbers from stored message bodies', async () => {
    const agent = await t.login(t.emails.agentA!);
    const res = await t.request('post', `/conversations/${t.a.conversationId}/messages`, {
      cookie: agent,
      body: { body: 'Card 4111 1111 1111 1111, thanks' },
    });
    expect(res.status).toBe(201);
    const stored = await t.db.db
      .selectFrom('messages')
      .select('body')
      .where('conversation_id', '=', t.a.conversationId)
      .executeTakeFirstOrThrow();
    expect(stored.body).toBe('Card [card redacted], thanks');
  });
});

describe('calls', () => {
  it('pages with a cursor and filters by agent', async () => {
    for (let i = 0; i < 5; i += 1) {
      await t.db.db
        .insertInto('calls')
        .values({
          id: crypto.randomUUID(),
          direction: 'inbound',
          from_number: '+15551112222',
          to_number: '+15559990000',
          queue_id: t.a.queueId,
          agent_id: t.a.agentId,
          started_at: new Date(Date.now() - (i + 2) * 60_000),
          disposition: 'completed',
        })
        .execute();
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/calls?agentId=${t.a.agentId}&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`;
      const page = (await t.request('get', query, { cookie: admin })).body as {
        items: { id: string }[];
        nextCursor: string | null;
      };
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
    const completed = (await t.request('get', '/calls?disposition=completed', { cookie: admin }))
      .body as { items: unknown[] };
    expect(completed.items).toHaveLength(5);
  });
});

describe('flows', () => {
  it("uploads, refuses an invalid version with the validator's messages, publishes", async () => {
    const { readFile } = await import('node:fs/promises');
    const definition = JSON.parse(await readFile('flows/main-menu.json', 'utf8')) as Record<
      string,
      unknown
    >;
    const ok = await t.request('post', '/flows/main-menu/versions', {
      cookie: admin,
      body: { definition },
    });
    expect(ok.status, ok.text).toBe(201);
    const bad = await t.request('post', '/flows/main-menu/versions', {
      cookie: admin,
      body: { definition: { ...definition, initial: 'nowhere' } },
    });
    expect(bad.status).toBe(422);
    expect((bad.body as ErrorReply).error.code).toBe('flow_invalid');
    const version = (ok.body as { version: number }).version;
    const published = await t.request('post', `/flows/main-menu/versions/${version}/publish`, {
      cookie: admin,
      body: {},
    });
    expect(published.status).toBe(200);
    expect((published.body as { published: boolean }).published).toBe(true);
    expect((await auditEntries('flow.publish'))[0]?.targetId).toBe('main-menu');
  });
});

describe('OpenAPI', () => {
  it('documents every route from the same schemas, with browsable docs', async () => {
    const res = await t.request('get', '/openapi.json');
    const doc = res.body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    for (const route of t.api.routes) {
      expect(
        doc.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method],
        route.path,
      ).toBeDefined();
    }
    const login = doc.paths['/auth/login']?.post as {
      requestBody: { content: { 'application/json': { schema: { required: string[] } } } };
    };
    expect(login.requestBody.content['application/json'].schema.required).toEqual([
      'email',
      'password',
    ]);
    const docs = await t.request('get', '/docs');
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(docs.text).toContain('/api/v1/openapi.json');
  });
});

describe('session cache', () => {
  it('applies a role change and a disable to the very next request, though sessions are cached', async () => {
    const email = 'cached-session@example.test';
    const created = await t.request('post', '/users', {
      cookie: admin,
      body: { email, displayName: 'Cached', role: 'admin', password: testPassword },
    });
    expect(created.status).toBe(201);
    const { id } = created.body as { id: string };
    const cookie = await t.login(email);
    // Used twice, so the second answer may come from the session cache.
    expect((await t.request('get', '/audit?limit=1', { cookie })).status).toBe(200);
    expect((await t.request('get', '/audit?limit=1', { cookie })).status).toBe(200);
    const demoted = await t.request('patch', `/users/${id}`, {
      cookie: admin,
      body: { role: 'agent' },
    });
    expect(demoted.status).toBe(200);
    expect((await t.request('get', '/audit?limit=1', { cookie })).status).toBe(403);
    expect((await t.request('get', '/auth/me', { cookie })).status).toBe(200);
    const disabled = await t.request('patch', `/users/${id}`, {
      cookie: admin,
      body: { disabled: true },
    });
    expect(disabled.status).toBe(200);
    expect((await t.request('get', '/auth/me', { cookie })).status).toBe(401);
  });
});
