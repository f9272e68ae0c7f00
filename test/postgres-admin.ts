/** Server-level Postgres helpers for tests: database URLs and admin statements. */
import pg from 'pg';
import { postgresClientOptions } from '../sql/postgres-client-options.ts';

/** The server tests run against (any database on it; only the server part is used). */
export const testServerUrl = process.env.DATABASE_URL ?? 'postgres://127.0.0.1:5432/postgres';

export function databaseUrl(name: string): string {
  const url = new URL(testServerUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs one statement on the server's maintenance database. */
export async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client(postgresClientOptions(databaseUrl('postgres')));
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
