/**
 * GET and PUT /me/preferences, and the same facts on /auth/me and the
 * login answer. Over real HTTP against real Postgres, Redis and routing
 * (test/api-test-server.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startApiTestServer,
  testPassword,
  type ApiTestServer,
} from '../../test/api-test-server.ts';

let t: ApiTestServer;
let agent: string;

beforeAll(async () => {
  t = await startApiTestServer();
  agent = await t.login(t.emails.agentA!);
});

afterAll(async () => {
  await t.close();
});

type Refusal = { error: { code: string; message: string } };

describe('my preferences', () => {
  it('start unchosen (the desktop follows the browser) and without auto-accept, also on /auth/me and the login answer', async () => {
    const defaults = { language: null, timeZone: null, autoAccept: false };
    expect((await t.request('get', '/me/preferences', { cookie: agent })).body).toEqual(defaults);
    expect((await t.request('get', '/auth/me', { cookie: agent })).body).toMatchObject(defaults);
    const login = await t.request('post', '/auth/login', {
      body: { email: t.emails.supA, password: testPassword },
    });
    expect(login.body).toMatchObject(defaults);
  });

  it('change only the fields given, are kept server-side, and each change is audited', async () => {
    const first = await t.request('put', '/me/preferences', {
      cookie: agent,
      body: { language: 'zh-CN', timeZone: 'Asia/Shanghai' },
    });
    expect(first.status, first.text).toBe(200);
    const second = await t.request('put', '/me/preferences', {
      cookie: agent,
      body: { autoAccept: true },
    });
    const expected = { language: 'zh-CN', timeZone: 'Asia/Shanghai', autoAccept: true };
    expect(second.body).toEqual(expected);
    // Another browser (a new session) finds the same settings.
    const elsewhere = await t.login(t.emails.agentA!);
    expect((await t.request('get', '/me/preferences', { cookie: elsewhere })).body).toEqual(
      expected,
    );
    expect((await t.request('get', '/auth/me', { cookie: elsewhere })).body).toMatchObject(
      expected,
    );
    const admin = await t.login(t.emails.admin!);
    const audit = await t.request('get', '/audit?action=user.set-preferences', { cookie: admin });
    const entries = (audit.body as { items: { actorId: string; targetId: string }[] }).items;
    expect(entries).toHaveLength(2);
    expect(entries.every((e) => e.actorId === t.a.agentId && e.targetId === t.a.agentId)).toBe(
      true,
    );
  });

  it.each([
    [{ language: 'fr' }, 'body.language'],
    [{ timeZone: 'Mars/Olympus_Mons' }, 'body.timeZone'],
    [{ autoAccept: 'yes' }, 'body.autoAccept'],
  ])('refuse %j naming %s, changing nothing', async (body, field) => {
    const before = (await t.request('get', '/me/preferences', { cookie: agent })).body;
    const res = await t.request('put', '/me/preferences', { cookie: agent, body });
    expect(res.status).toBe(400);
    expect((res.body as Refusal).error.message.startsWith(`${field}: `)).toBe(true);
    expect((await t.request('get', '/me/preferences', { cookie: agent })).body).toEqual(before);
  });

  it('refuse an unknown field rather than dropping it silently', async () => {
    const res = await t.request('put', '/me/preferences', {
      cookie: agent,
      body: { timezone: 'UTC' },
    });
    expect(res.status).toBe(400);
    expect((res.body as Refusal).error.message).toContain('timezone');
  });
});
