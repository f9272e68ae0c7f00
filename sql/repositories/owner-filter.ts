import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';

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
