/**
 * Issue 22, finding 7 (web hygiene): security headers on every response and
 * no caching of API answers, over real HTTP against real Postgres, Redis and
 * routing (test/api-test-server.ts).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiTestServer, type ApiTestServer } from '../test/api-test-server.ts';

let t: ApiTestServer;
let agent: string;

beforeAll(async () => {
  t = await startApiTestServer();
  agent = await t.login(t.emails.agentA!);
});

afterAll(async () => {
  await t.close();
});

/** One of each kind of answer: success, refusals before and after the routes, unknown paths, docs. */
function answers(): { label: string; send: () => Promise<Response> }[] {
  const api = `${t.url}/api/v1`;
  const json = { 'content-type': 'application/json' };
  return [
    {
      label: 'an authenticated read',
      send: () => fetch(`${api}/auth/me`, { headers: { cookie: agent } }),
    },
    {
      label: 'a contact with numbers',
      send: () => fetch(`${api}/contacts/${t.a.contactId}`, { headers: { cookie: agent } }),
    },
    { label: 'a 401', send: () => fetch(`${api}/calls`) },
    { label: 'a 403', send: () => fetch(`${api}/audit`, { headers: { cookie: agent } }) },
    { label: 'a 400', send: () => fetch(`${api}/calls?limit=0`, { headers: { cookie: agent } }) },
    {
      label: 'a 413 from the body reader',
      send: () =>
        fetch(`${api}/auth/login`, {
          method: 'POST',
          headers: json,
          body: `{"a":"${'x'.repeat(1_100_000)}"}`,
        }),
    },
    { label: 'an unknown path', send: () => fetch(`${t.url}/nowhere`) },
    { label: 'the OpenAPI document', send: () => fetch(`${api}/openapi.json`) },
    { label: 'the docs page', send: () => fetch(`${api}/docs`) },
  ];
}

describe('every response', () => {
  it('carries the security headers and no X-Powered-By', async () => {
    for (const { label, send } of answers()) {
      const res = await send();
      await res.arrayBuffer();
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, label).toMatch(/default-src '(self|none)'/);
      expect(csp, label).toContain("frame-ancestors 'none'");
      expect(csp, label).toMatch(/object-src 'none'|default-src 'none'/);
      expect(csp, label).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options'), label).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), label).toBe('no-referrer');
      expect(res.headers.get('x-frame-options'), label).toBe('DENY');
      expect(res.headers.get('x-powered-by'), label).toBeNull();
    }
  });

  it('gives the app the same-origin policy, and the docs page its own script and style by hash', async () => {
    const me = await fetch(`${t.url}/api/v1/auth/me`, { headers: { cookie: agent } });
    expect(me.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(me.headers.get('content-security-policy')).toContain("script-src 'self'");
    const docs = await fetch(`${t.url}/api/v1/docs`);
    const html = await docs.text();
    const csp = docs.headers.get('content-security-policy') ?? '';
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1] ?? '';
    const style = /<style>([\s\S]*)<\/style>/.exec(html)?.[1] ?? '';
    expect(script).toContain('fetch(');
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(csp).toContain("connect-src 'self'");
  });
});

describe('API answers', () => {
  it('are never cached: Cache-Control no-store on successes and refusals alike', async () => {
    const api = `${t.url}/api/v1`;
    for (const [label, res] of [
      ['me', await fetch(`${api}/auth/me`, { headers: { cookie: agent } })],
      [
        'a contact',
        await fetch(`${api}/contacts/${t.a.contactId}`, { headers: { cookie: agent } }),
      ],
      ['calls', await fetch(`${api}/calls`, { headers: { cookie: agent } })],
      ['a 401', await fetch(`${api}/calls`)],
      [
        'a 404',
        await fetch(`${api}/calls/00000000-0000-4000-8000-000000000000`, {
          headers: { cookie: agent },
        }),
      ],
    ] as const) {
      await res.arrayBuffer();
      expect(res.headers.get('cache-control'), label).toBe('no-store');
    }
  });
});
