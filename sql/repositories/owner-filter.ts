import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import type { Database } from '../database.ts';
import { preparedStatement } from './prepared-statement.ts';

/**
 * Restricts a query to rows owned by some agents or sitting in some queues
 * ('all' restricts nothing). Which ids go in is decided by api/access.
 */
export type OwnerFilter =
  'all' | { readonly agentIds: readonly string[]; readonly queueIds: readonly string[] };

/** `agentColumn IN agentIds OR queueColumn IN queueIds`, or true for 'all'. */
export function ownedBy<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  filter: OwnerFilter,
  agentColumn: string,
  queueColumn: string,
): Expression<SqlBool> {
  if (filter === 'all') return eb.lit(true);
  // Column names come from the calling repository, not from a request.
  const ref = (column: string) => eb.ref(column as never) as Parameters<typeof eb.eb>[0];
  const parts: Expression<SqlBool>[] = [];
  if (filter.agentIds.length > 0) parts.push(eb.eb(ref(agentColumn), 'in', [...filter.agentIds]));
  if (filter.queueIds.length > 0) parts.push(eb.eb(ref(queueColumn), 'in', [...filter.queueIds]));
  return parts.length === 0 ? eb.lit(false) : eb.or(parts);
}

/**
 * A list of `table`'s rows visible to an owner filter, newest `updated_at`
 * first, optionally of one status: the hot lists of the agent desktop, run as
 * prepared statements (one per shape: owner filter or all, status or not).
 * Same rule as {@link ownedBy}; the id lists travel as two array parameters.
 */
export function ownedListQuery<Row>(
  table: 'conversations' | 'tickets',
  columns: readonly string[],
  agentColumn: string,
  queueColumn: string,
  /** Of `columns`, those answered as ISO 8601 text in UTC (as JavaScript writes them), not Dates. */
  isoTimeColumns: readonly string[] = [],
) {
  const selected = columns.map((c) =>
    isoTimeColumns.includes(c) ? `${isoTimeSql(c)} AS ${c}` : c,
  );
  const statements = new Map<string, ReturnType<typeof preparedStatement<Row>>>();
  const statement = (owned: boolean, byStatus: boolean) => {
    const key = `${owned ? 'owned' : 'all'}_${byStatus ? 'status' : 'any'}`;
    let found = statements.get(key);
    if (found === undefined) {
      const where: string[] = [];
      let n = 0;
      if (owned) {
        where.push(
          `(${agentColumn} = ANY($${++n}::uuid[]) OR ${queueColumn} = ANY($${++n}::uuid[]))`,
        );
      }
      if (byStatus) where.push(`status = $${++n}`);
      const text =
        `SELECT ${selected.join(', ')} FROM ${table}` +
        (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
        ` ORDER BY updated_at DESC, id LIMIT $${++n}`;
      found = preparedStatement<Row>(`${table}_list_${key}`, text);
      statements.set(key, found);
    }
    return found;
  };
  return (
    db: Kysely<Database>,
    filter: { owner: OwnerFilter; status?: string | undefined; limit: number },
  ): Promise<Row[]> => {
    const { owner, status, limit } = filter;
    const parameters: unknown[] = owner === 'all' ? [] : [[...owner.agentIds], [...owner.queueIds]];
    if (status !== undefined) parameters.push(status);
    parameters.push(limit);
    return statement(owner !== 'all', status !== undefined)(db, parameters);
  };
}

/**
 * A timestamptz column as `2026-01-01T12:00:00.000Z`, exactly what
 * `Date.prototype.toISOString` gives for it: lists that only pass times on
 * skip parsing them into Dates and printing them again.
 */
function isoTimeSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
