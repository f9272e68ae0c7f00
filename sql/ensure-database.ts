import pg from 'pg';
import { postgresClientOptions } from './postgres-client-options.ts';

/**
 * Creates the database named in `connectionString` if it does not exist, by
 * connecting to the server's `postgres` maintenance database. Safe to run twice.
 */
export async function ensureDatabase(connectionString: string): Promise<boolean> {
  const target = new URL(connectionString);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (name === '') throw new Error('DATABASE_URL names no database');
  const admin = new URL(connectionString);
  admin.pathname = '/postgres';
  const client = new pg.Client(postgresClientOptions(admin.toString()));
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount !== 0) return false;
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    return true;
  } catch (error) {
    // Another process created it between our check and create.
    if ((error as { code?: string }).code === '42P04') return false;
    throw error;
  } finally {
    await client.end();
  }
}
