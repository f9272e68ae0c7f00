// Real Postgres: a fresh, empty database per test, migrated up and down.
import { randomBytes } from 'node:crypto';
import { NO_MIGRATIONS, sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { adminQuery, databaseUrl } from '../test/postgres-admin.ts';
import { connectDatabase } from './connect-database.ts';
import { ensureDatabase } from './ensure-database.ts';
import { assertMigrated, createSchemaMigrator } from './schema-migrator.ts';

const created: string[] = [];
afterEach(async () => {
  for (const name of created.splice(0)) {
    await adminQuery(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  }
});

async function freshDatabase(): Promise<string> {
  const name = `sbtest_mig_${randomBytes(4).toString('hex')}`;
  created.push(name);
  expect(await ensureDatabase(databaseUrl(name))).toBe(true);
  return databaseUrl(name);
}

async function tableNames(url: string): Promise<string[]> {
  const db = connectDatabase(url, { maxConnections: 1 });
  try {
    const result = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_name NOT LIKE 'kysely_%' ORDER BY table_name`.execute(
      db,
    );
    return result.rows.map((r) => r.table_name);
  } finally {
    await db.destroy();
  }
}

describe('schema migrations', () => {
  it('creates the database once and reports it already exists the second time', async () => {
    const url = await freshDatabase();
    expect(await ensureDatabase(url)).toBe(false);
  });

  it('migrates a fresh database up to every table, down to none, and up again', async () => {
    const url = await freshDatabase();
    const db = connectDatabase(url, { maxConnections: 1 });
    try {
      const migrator = createSchemaMigrator(db);
      const applied = assertMigrated(await migrator.migrateToLatest());
      expect(applied.length).toBeGreaterThanOrEqual(6);
      expect(applied.every((line) => line.startsWith('applied '))).toBe(true);
      expect(await tableNames(url)).toEqual(
        expect.arrayContaining([
          'audit_log',
          'business_hours_calendars',
          'call_events',
          'call_legs',
          'calls',
          'contacts',
          'conversations',
          'csat_responses',
          'flows',
          'knowledge_articles',
          'messages',
          'phone_numbers',
          'queues',
          'recordings',
          'sip_credentials',
          'skills',
          'sla_policies',
          'teams',
          'ticket_events',
          'tickets',
          'users',
        ]),
      );

      // Running it again applies nothing: safe to run twice.
      expect(assertMigrated(await migrator.migrateToLatest())).toEqual([]);

      const reverted = assertMigrated(await migrator.migrateTo(NO_MIGRATIONS));
      expect(reverted).toHaveLength(applied.length);
      expect(await tableNames(url)).toEqual([]);

      expect(assertMigrated(await migrator.migrateToLatest())).toEqual(applied);
    } finally {
      await db.destroy();
    }
  });
});
