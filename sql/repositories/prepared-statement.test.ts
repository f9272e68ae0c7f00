// Real Postgres: a prepared statement really is prepared once per connection
// through Kysely's driver, and the hot lists built on it answer times as text.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/test-database.ts';
import { ConversationRepository } from './conversation-repository.ts';
import { preparedStatement } from './prepared-statement.ts';
import { TicketRepository } from './ticket-repository.ts';

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

describe('hot lists', () => {
  it('answer times as the text toISOString gives for the same Date', async () => {
    const { id: userId } = await t.db
      .insertInto('users')
      .values({ email: 'iso-time@example.test', display_name: 'Iso', role: 'agent' })
      .returning('id')
      .executeTakeFirstOrThrow();
    // Microseconds too: both must cut them the same way.
    const at = sql<Date>`${'2026-01-02T03:04:05.678901Z'}::timestamptz`;
    await t.db
      .insertInto('conversations')
      .values({ channel: 'chat', assignee_id: userId, updated_at: at })
      .execute();
    await t.db
      .insertInto('tickets')
      .values({ subject: 'Iso', assignee_id: userId, updated_at: at, resolution_due_at: at })
      .execute();
    const owner = { agentIds: [userId], queueIds: [] };
    const [conversation] = await new ConversationRepository(t.db).list({ owner, limit: 5 });
    const [ticket] = await new TicketRepository(t.db).list({ owner, limit: 5 });
    const expected = (
      await t.db
        .selectFrom('tickets')
        .select('updated_at')
        .where('assignee_id', '=', userId)
        .executeTakeFirstOrThrow()
    ).updated_at.toISOString();
    expect(expected).toBe('2026-01-02T03:04:05.678Z');
    expect(conversation?.updated_at).toBe(expected);
    expect(ticket?.updated_at).toBe(expected);
    expect(ticket?.resolution_due_at).toBe(expected);
  });
});
