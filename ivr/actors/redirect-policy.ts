import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { SwitchboardError } from '../../platform/switchboard-error.ts';

/** The most redirects an `httpLookup` follows. */
export const maxLookupRedirects = 3;

/**
 * Addresses a redirect may not lead to: loopback, private networks,
 * link-local (cloud metadata at 169.254.169.254), carrier-grade NAT,
 * "this network", and their IPv6 counterparts (BlockList checks an
 * IPv4-mapped IPv6 address against the IPv4 ranges).
 */
const internalNetworks = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  internalNetworks.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::1', 128],
  ['::', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  internalNetworks.addSubnet(network, prefix, 'ipv6');
}

export interface RedirectPolicy {
  /** Hosts reached over plain http, and internal hosts, that are allowed anyway (loopback by default). */
  readonly plainHttpHosts: readonly string[];
  /** Resolves a host name to its addresses; default the system resolver. */
  readonly resolve?: (host: string) => Promise<readonly string[]>;
}

/**
 * `fetch` that follows redirects only where the lookup itself could have
 * gone: https (or plain http to an allowed host), and not to an internal
 * address. The flow's URL is the admin's, but a redirect is the remote
 * server's to choose, and following it blindly let a CRM (or whoever answers
 * for it) send the request to the metadata service or the LAN, or downgrade
 * it to plain http. At most {@link maxLookupRedirects}; 303 (and 301/302
 * after a POST) continue as GET, as browsers do.
 */
export async function fetchWithRedirectPolicy(
  fetchOnce: typeof fetch,
  url: URL,
  init: RequestInit,
  policy: RedirectPolicy,
): Promise<Response> {
  let current = url;
  let request = init;
  for (let hop = 0; ; hop += 1) {
    const response = await fetchOnce(current, { ...request, redirect: 'manual' });
    const location = response.headers.get('location');
    if (![301, 302, 303, 307, 308].includes(response.status) || location === null) {
      return response;
    }
    await response.body?.cancel();
    if (hop >= maxLookupRedirects) {
      throw new SwitchboardError('unavailable', `more than ${maxLookupRedirects} redirects`);
    }
    const next = URL.canParse(location, current) ? new URL(location, current) : undefined;
    const refusal = next === undefined ? 'not a URL' : await redirectRefusal(next, policy);
    if (refusal !== undefined || next === undefined) {
      throw new SwitchboardError(
        'forbidden',
        `refused a redirect to ${next?.origin ?? JSON.stringify(location)}: ${refusal}`,
      );
    }
    if (response.status === 303 || (response.status < 307 && request.method === 'POST')) {
      const headers = { ...(request.headers as Record<string, string> | undefined) };
      delete headers['content-type'];
      request = { ...request, method: 'GET', headers, body: undefined };
    }
    current = next;
  }
}

async function redirectRefusal(url: URL, policy: RedirectPolicy): Promise<string | undefined> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const allowed =
    policy.plainHttpHosts.includes(url.hostname) || policy.plainHttpHosts.includes(host);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowed)) {
    return `${url.protocol} is not https`;
  }
  if (allowed) return undefined;
  const addresses =
    isIP(host) !== 0
      ? [host]
      : await (policy.resolve ?? systemResolve)(host).catch(() => undefined);
  if (addresses === undefined || addresses.length === 0) return `${host} does not resolve`;
  const internal = addresses.find((address) =>
    internalNetworks.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4'),
  );
  return internal === undefined ? undefined : `${host} is an internal address (${internal})`;
}

async function systemResolve(host: string): Promise<string[]> {
  return (await lookup(host, { all: true })).map((entry) => entry.address);
}
