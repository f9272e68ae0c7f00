/**
 * A real Postgres database for one test file: cloned from the migrated
 * template that test/global-setup.ts builds once per run, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import type { Kysely } from 'kysely';
import { connectDatabase } from '../sql/connect-database.ts';
import type { Database } from '../sql/database.ts';
import { adminQuery, databaseUrl } from './postgres-admin.ts';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  readonly db: Kysely<Database>;
  /** Closes connections made here and drops the database. */
  cleanup(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const template = inject('templateDatabase');
  const name = `sbtest_${randomBytes(5).toString('hex')}`;
  await adminQuery(
    `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}`,
  );
  const url = databaseUrl(name);
  const db = connectDatabase(url, { maxConnections: 4 });
  return {
    name,
    url,
    db,
    async cleanup() {
      await db.destroy();
      await adminQuery(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    },
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}
