import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';
import { postgresClientOptions } from './postgres-client-options.ts';

/** A Kysely instance over a pg pool. Callers own it and call `destroy()`. */
export function connectDatabase(
  connectionString: string,
  options: { maxConnections?: number } = {},
): Kysely<Database> {
  const pool = new pg.Pool({
    ...postgresClientOptions(connectionString),
    max: options.maxConnections ?? 10,
  });
  // An idle client losing its server emits 'error' on the pool; without a
  // listener Node would crash the process.
  pool.on('error', () => undefined);
  // Likewise a checked-out client whose server goes away mid-query: the query
  // itself rejects, and this keeps the stray 'error' event from crashing us.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
