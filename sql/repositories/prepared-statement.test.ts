// Real Postgres: a prepared statement really is prepared once per connection
// through Kysely's driver, and answers like the same SQL run plainly.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/test-database.ts';
import { preparedStatement } from './prepared-statement.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.cleanup();
});

const doubled = preparedStatement<{ n: number; ids: string[] }>(
  'test_doubled',
  'SELECT $1::int * 2 AS n, $2::uuid[] AS ids',
);

describe('preparedStatement', () => {
  it('runs as a named statement on the connection, with array parameters', async () => {
    const ids = ['7d0c1f4e-4b1a-4c59-9a53-8f3f6e1f2a10'];
    await t.db.connection().execute(async (conn) => {
      expect(await doubled(conn, [21, ids])).toEqual([{ n: 42, ids }]);
      expect(await doubled(conn, [2, []])).toEqual([{ n: 4, ids: [] }]);
      const prepared = await sql<{ name: string }>`
        SELECT name FROM pg_prepared_statements WHERE name = 'test_doubled'`.execute(conn);
      expect(prepared.rows).toEqual([{ name: 'test_doubled' }]);
    });
  });
});
