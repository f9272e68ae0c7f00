// Redirects from a real HTTP server on 127.0.0.1. The refused targets are
// never contacted: the policy refuses before any request leaves.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchWithRedirectPolicy, maxLookupRedirects } from './redirect-policy.ts';

let server: Server;
let base: string;
const seen: { method?: string; url?: string }[] = [];
const targets: Record<string, string> = {
  '/to-ok': '/ok',
  '/to-metadata-http': 'http://169.254.169.254/latest/meta-data/',
  '/to-metadata-https': 'https://169.254.169.254/latest/meta-data/',
  '/to-private': 'https://10.1.2.3/crm',
  '/to-ipv6-loopback': 'https://[::1]/crm',
  '/to-mapped': 'https://[::ffff:10.0.0.1]/crm',
  '/to-internal-name': 'https://crm.internal.example/crm',
  '/to-public-name': 'https://crm.example.com/crm',
  '/loop': '/loop',
};

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push({ method: request.method, url: request.url });
    const target = targets[request.url ?? ''];
    if (target !== undefined) {
      response.writeHead(request.url === '/to-ok' ? 303 : 302, { location: target });
      response.end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const policy = {
  plainHttpHosts: ['127.0.0.1'],
  // Names resolve through this table, never through the network.
  resolve: (host: string) =>
    Promise.resolve(host === 'crm.internal.example' ? ['192.168.1.5'] : ['93.184.216.34']),
};

/** A fetch that only ever reaches the test's own server. */
const localFetch: typeof fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : input);
  if (url.hostname !== '127.0.0.1') throw new Error(`the test tried to reach ${url.origin}`);
  return fetch(input, init);
};

const go = (path: string, init: RequestInit = { method: 'GET' }) =>
  fetchWithRedirectPolicy(localFetch, new URL(`${base}${path}`), init, policy);

describe('fetchWithRedirectPolicy', () => {
  it('follows a redirect to where the lookup could have gone, a 303 after a POST as GET', async () => {
    const response = await go('/to-ok', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(await response.json()).toEqual({ ok: true });
    expect(seen.slice(-2)).toEqual([
      { method: 'POST', url: '/to-ok' },
      { method: 'GET', url: '/ok' },
    ]);
  });

  it.each([
    ['/to-metadata-http', /refused a redirect to http:\/\/169\.254\.169\.254: http: is not https/],
    ['/to-metadata-https', /169\.254\.169\.254 is an internal address/],
    ['/to-private', /10\.1\.2\.3 is an internal address/],
    ['/to-ipv6-loopback', /::1 is an internal address/],
    ['/to-mapped', /is an internal address/],
    ['/to-internal-name', /crm\.internal\.example is an internal address \(192\.168\.1\.5\)/],
  ])('refuses the redirect of %s without contacting it', async (path, message) => {
    await expect(go(path)).rejects.toThrow(message);
  });

  it('would follow a public https name (the fetch is stopped at the test boundary)', async () => {
    await expect(go('/to-public-name')).rejects.toThrow(
      /the test tried to reach https:\/\/crm\.example\.com/,
    );
  });

  it(`stops after ${maxLookupRedirects} redirects`, async () => {
    const before = seen.length;
    await expect(go('/loop')).rejects.toThrow(`more than ${maxLookupRedirects} redirects`);
    expect(seen.length - before).toBe(maxLookupRedirects + 1);
  });
});
