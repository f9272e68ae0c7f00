import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../platform/logger.ts';
import type { AccessScope } from '../access/access-scope.ts';
import type { AccessScopeResolver } from '../access/access-scope-resolver.ts';
import { hasScope, type Principal } from '../access/principal.ts';
import { crossSiteRefusal, foreignOrigin, requestHost } from '../auth/cross-site-check.ts';
import { requestCredentials } from '../auth/request-credentials.ts';
import { parseUpgradeQuery, type UpgradeQuery } from './upgrade-query.ts';

/** Why an upgrade is not turned into an event socket: the HTTP answer instead. */
export interface UpgradeRefusal {
  readonly status: number;
  readonly text: string;
  /** For the JSON error body, as the HTTP API words it. */
  readonly error?: { readonly code: string; readonly message: string };
  /** Who was refused (403, 429), for the audit log's `access.denied`. */
  readonly principal?: Principal;
  readonly reason?: string;
}

export type UpgradeAdmission =
  | {
      readonly admitted: true;
      readonly principal: Principal;
      readonly scope: AccessScope;
      readonly query: UpgradeQuery;
    }
  | ({ readonly admitted: false } & UpgradeRefusal);

/**
 * Decides whether an upgrade on the events path may open a socket: a
 * credential (401 without one), the `events` scope (403), a page of this
 * server when the credential is the cookie (403: browsers send it on
 * WebSocket upgrades from any page), and a well-formed query (400 naming
 * the field).
 */
export async function admitUpgrade(
  req: IncomingMessage,
  search: URLSearchParams,
  deps: {
    readonly authenticate: (headers: IncomingMessage['headers']) => Promise<Principal | null>;
    readonly scopes: AccessScopeResolver;
    readonly logger: Logger;
  },
): Promise<UpgradeAdmission> {
  const principal = await deps.authenticate(req.headers);
  if (principal === null) return { admitted: false, status: 401, text: 'Unauthorized' };
  if (!hasScope(principal, 'events')) {
    const reason = 'the token lacks the events scope';
    return { admitted: false, status: 403, text: 'Forbidden', principal, reason };
  }
  const byCookie = requestCredentials(req.headers).sessionToken !== undefined;
  const origin = byCookie ? foreignOrigin(req.headers, requestHost(req)) : undefined;
  if (origin !== undefined) {
    deps.logger.info({ origin: origin.slice(0, 200) }, 'cross-site event socket refused');
    const error = { code: 'forbidden', message: crossSiteRefusal(origin).message };
    return {
      admitted: false,
      status: 403,
      text: 'Forbidden',
      error,
      principal,
      reason: error.message,
    };
  }
  const query = parseUpgradeQuery(search);
  if ('field' in query) {
    const error = { code: 'validation_failed', message: `${query.field}: ${query.message}` };
    return { admitted: false, status: 400, text: 'Bad Request', error };
  }
  return { admitted: true, principal, scope: await deps.scopes.resolve(principal), query };
}

/** Answers a refused upgrade on the raw connection, with the API's error body when there is one. */
export function refuseUpgrade(socket: Duplex, refusal: UpgradeRefusal): void {
  const body = refusal.error === undefined ? '' : JSON.stringify({ error: refusal.error });
  socket.end(
    `HTTP/1.1 ${refusal.status} ${refusal.text}\r\nConnection: close\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
