import type { IncomingHttpHeaders } from 'node:http';
import { readCookie, sessionCookieName } from './session-cookie.ts';

/**
 * The credentials a request carries: a bearer token (integrations) wins over
 * the session cookie (browsers). Works for HTTP requests and WebSocket upgrades.
 */
export function requestCredentials(headers: IncomingHttpHeaders): {
  sessionToken?: string;
  bearerToken?: string;
} {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    return match?.[1] === undefined ? {} : { bearerToken: match[1] };
  }
  const sessionToken = readCookie(headers.cookie, sessionCookieName);
  return sessionToken === undefined || sessionToken === '' ? {} : { sessionToken };
}
