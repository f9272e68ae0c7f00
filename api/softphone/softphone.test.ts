/**
 * POST /me/softphone: the browser softphone's registration details. Over real
 * HTTP against real Postgres and Redis (test/api-test-server.ts); the HA1 is
 * checked against what the registrar reads for the same user name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SipCredentialRepository } from '../../sql/repositories/sip-credential-repository.ts';
import { startApiTestServer, type ApiTestServer } from '../../test/api-test-server.ts';
import { softphoneUsername } from './softphone-routes.ts';

const settings = {
  realm: 'pbx.example.com',
  webSocketUris: ['wss://pbx.example.com:8443'],
  iceServerUrls: ['stun:stun.example.com:3478'],
};

interface Softphone {
  enabled: boolean;
  wsServers: string[];
  aor: string;
  username: string;
  realm: string;
  authorizationHa1: string;
  displayName: string;
  iceServers: { urls: string[] }[];
}

let t: ApiTestServer;
let bare: ApiTestServer;

beforeAll(async () => {
  [t, bare] = await Promise.all([
    startApiTestServer({ softphone: settings }),
    startApiTestServer(),
  ]);
});

afterAll(async () => {
  await Promise.all([t.close(), bare.close()]);
});

describe('the browser softphone registration', () => {
  it('gives an agent their own SIP identity whose HA1 the registrar accepts', async () => {
    const agent = await t.login(t.emails.agentA!);
    const answer = await t.request('post', '/me/softphone', { cookie: agent });
    expect(answer.status, answer.text).toBe(200);
    const phone = answer.body as Softphone;
    const username = softphoneUsername(t.a.agentId);
    expect(phone).toMatchObject({
      enabled: true,
      wsServers: ['wss://pbx.example.com:8443'],
      aor: `sip:${username}@pbx.example.com`,
      username,
      realm: 'pbx.example.com',
      iceServers: [{ urls: ['stun:stun.example.com:3478'] }],
    });
    expect(phone.authorizationHa1).toMatch(/^[0-9a-f]{32}$/);
    const registrarView = await new SipCredentialRepository(t.db.db).findForRegistration(
      'pbx.example.com',
      username,
    );
    expect(registrarView).toEqual({
      userId: t.a.agentId,
      role: 'agent',
      ha1: phone.authorizationHa1,
    });
  });

  it('is the same identity in every tab and session, and another user gets another', async () => {
    const first = (await t.request('post', '/me/softphone', {
      cookie: await t.login(t.emails.agentB!),
    })) as { body: Softphone };
    const again = (await t.request('post', '/me/softphone', {
      cookie: await t.login(t.emails.agentB!),
    })) as { body: Softphone };
    expect(again.body.authorizationHa1).toBe(first.body.authorizationHa1);
    const mine = (await t.request('post', '/me/softphone', {
      cookie: await t.login(t.emails.agentA!),
    })) as { body: Softphone };
    expect(mine.body.username).not.toBe(first.body.username);
    expect(mine.body.authorizationHa1).not.toBe(first.body.authorizationHa1);
  });

  it('is made once even when two tabs ask at the same instant', async () => {
    const cookie = await t.login(t.emails.supA!);
    const answers = await Promise.all(
      [1, 2, 3].map(() => t.request('post', '/me/softphone', { cookie })),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((a) => (a.body as Softphone).authorizationHa1)).size).toBe(1);
    const rows = await t.db.db
      .selectFrom('sip_credentials')
      .select('id')
      .where('user_id', '=', t.a.supervisorId)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('shows up in the admin view of the user, without its secret, and is audited', async () => {
    const admin = await t.login(t.emails.admin!);
    const listed = await t.request('get', `/users/${t.a.agentId}/sip-credentials`, {
      cookie: admin,
    });
    expect(listed.text).toContain(softphoneUsername(t.a.agentId));
    expect(listed.text).not.toMatch(/ha1/i);
    const audit = await t.request('get', '/audit?action=user.softphone-credentials', {
      cookie: admin,
    });
    const items = (audit.body as { items: { actorId: string; details: unknown }[] }).items;
    expect(items.some((entry) => entry.actorId === t.a.agentId)).toBe(true);
    const { authorizationHa1 } = (
      await t.request('post', '/me/softphone', { cookie: await t.login(t.emails.agentA!) })
    ).body as Softphone;
    expect(JSON.stringify(items)).not.toContain(authorizationHa1);
  });

  it('says it is not configured when SIP_WS_URI is unset, and makes no credential', async () => {
    const agent = await bare.login(bare.emails.agentA!);
    const answer = await bare.request('post', '/me/softphone', { cookie: agent });
    expect(answer.body).toEqual({ enabled: false, reason: 'not-configured' });
    const rows = await bare.db.db.selectFrom('sip_credentials').select('username').execute();
    expect(rows.map((r) => r.username)).not.toContain(softphoneUsername(bare.a.agentId));
  });

  it("lets pages connect to the softphone's WebSocket server, and only there besides their own origin", async () => {
    const page = await fetch(`${t.url}/desk`, { headers: { accept: 'text/html' } });
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("connect-src 'self' wss://pbx.example.com:8443;");
    const without = await fetch(`${bare.url}/desk`, { headers: { accept: 'text/html' } });
    expect(without.headers.get('content-security-policy')).toContain("connect-src 'self';");
  });

  it('answers 401 without a session', async () => {
    expect((await t.request('post', '/me/softphone')).status).toBe(401);
  });
});
