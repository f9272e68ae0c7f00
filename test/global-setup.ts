/**
 * Once per test run: builds a migrated template database on the real Postgres
 * server, which every test file clones (test/test-database.ts), and drops it
 * when the run ends. Each run has its own template, so parallel runs never meet.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { connectDatabase } from '../sql/connect-database.ts';
import { assertMigrated, createSchemaMigrator } from '../sql/schema-migrator.ts';
import { adminQuery, databaseUrl } from './postgres-admin.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const name = `sbtest_tpl_${randomBytes(5).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const db = connectDatabase(databaseUrl(name), { maxConnections: 1 });
  try {
    assertMigrated(await createSchemaMigrator(db).migrateToLatest());
  } finally {
    await db.destroy();
  }
  project.provide('templateDatabase', name);
  return async () => {
    await adminQuery(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  };
}
