import { userInfo } from 'node:os';
import type { ClientConfig } from 'pg';

/**
 * Client options for a postgres:// URL. Like libpq, a URL without a user name
 * connects as the operating-system user (node-pg relies on $USER, which
 * service managers and CI often leave unset).
 */
export function postgresClientOptions(connectionString: string): ClientConfig {
  const url = new URL(connectionString);
  // pg lets the URL's (empty) user override a separate `user` option, so the
  // default goes into the URL itself.
  if (url.username === '') url.username = encodeURIComponent(userInfo().username);
  return {
    connectionString: url.toString(),
    // A dead database must fail fast, not hang a request or a readiness probe.
    connectionTimeoutMillis: 5_000,
  };
}
