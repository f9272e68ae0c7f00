import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../database.ts';

/**
 * A query with fixed text, run as a named (prepared) statement: each pooled
 * connection has Postgres parse and plan it once, then only binds and
 * executes it; Kysely's query builder is skipped too. For the hot reads every
 * request makes (the contact 360 view plans in about 2 ms and runs in 0.4).
 *
 * The text must never change for a name (node-postgres refuses a second text
 * under the same name). Values must go in `$n` parameters; an id list goes
 * in one array parameter (`= ANY($1::uuid[])`) so its length does not change
 * the text.
 *
 * @example
 * const byQueue = preparedStatement<{ id: string }>('tickets_by_queue',
 *   'SELECT id FROM tickets WHERE queue_id = $1');
 * const rows = await byQueue(db, [queueId]);
 */
export function preparedStatement<Row>(name: string, text: string) {
  // node-postgres takes a query config ({ name, text }) where Kysely's
  // Postgres driver passes the compiled SQL; toString keeps logs readable.
  const statement = { name, text, toString: () => text };
  return async (db: Kysely<Database>, parameters: readonly unknown[]): Promise<Row[]> => {
    const compiled = CompiledQuery.raw(text, [...parameters]);
    const result = await db.executeQuery<Row>({
      ...compiled,
      sql: statement as unknown as string,
    });
    return result.rows;
  };
}
