import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { SwitchboardError } from '../../platform/switchboard-error.ts';

/**
 * The origin a browser says a request came from (`Origin`, else the origin
 * of `Referer`) when it is not the host answering, else undefined. A
 * request naming neither came from no web page (curl, an integration), so
 * there is nothing to forge; `Origin: null` (a sandboxed frame, a file)
 * counts as foreign.
 *
 * Why this and SameSite=Strict both: SameSite does not cover sibling
 * subdomains ("same site", not same origin) nor browsers that ignore it,
 * and a login form posted from elsewhere carries no cookie at all.
 *
 * @example
 * foreignOrigin({ origin: 'https://evil.example' }, 'sb.example.com'); // 'https://evil.example'
 */
export function foreignOrigin(
  headers: IncomingHttpHeaders,
  host: string | undefined,
): string | undefined {
  const origin = headers.origin ?? originOf(headers.referer);
  if (origin === undefined) return undefined;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return origin;
  }
  const sameHost = host !== undefined && originHost.toLowerCase() === host.toLowerCase();
  return sameHost ? undefined : origin;
}

/** The `forbidden` error for a cross-site request, naming the origin and what to do. */
export function crossSiteRefusal(origin: string): SwitchboardError {
  return new SwitchboardError(
    'forbidden',
    `Cross-site request refused: it comes from ${origin.slice(0, 200)}, not this server. ` +
      'Integrations use a bearer token; behind a proxy, pass the original Host or X-Forwarded-Host.',
  );
}

/**
 * The host a raw request (a WebSocket upgrade) was addressed to, as express
 * reads it with `trust proxy` set to loopback: `X-Forwarded-Host` only from
 * a proxy on this machine.
 */
export function requestHost(req: IncomingMessage): string | undefined {
  const forwarded = req.headers['x-forwarded-host'];
  const remote = req.socket.remoteAddress ?? '';
  const loopback =
    remote === '::1' || remote.startsWith('127.') || remote.startsWith('::ffff:127.');
  if (loopback && typeof forwarded === 'string' && forwarded !== '') {
    return forwarded.split(',')[0]?.trim();
  }
  return req.headers.host;
}

function originOf(referer: string | undefined): string | undefined {
  if (referer === undefined) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return 'null';
  }
}
