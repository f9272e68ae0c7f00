import type { Kysely } from 'kysely';
import { deepFreeze } from '../../platform/deep-freeze.ts';
import type { Database } from '../database.ts';
import { preparedStatement } from './prepared-statement.ts';

/** Where a dialled number leads: nowhere, a flow with no published version, or a published flow. */
export type InboundRoute =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'unpublished'; readonly flowName: string; readonly number: string }
  | {
      readonly kind: 'flow';
      /** The number as registered (`+15551234567`), however it was dialled. */
      readonly number: string;
      readonly flow: {
        readonly id: string;
        readonly name: string;
        readonly version: number;
        readonly definition: Record<string, unknown>;
      };
    };

interface RouteRow {
  readonly number: string;
  readonly flow_name: string;
  readonly flow_id: string | null;
  readonly version: number | null;
}

// Runs on every INVITE: a prepared statement (planned once per connection,
// no query build) that leaves the definition out; see definitionOf.
const routeOf = preparedStatement<RouteRow>(
  'inbound_route_of_number',
  `SELECT n.number, n.flow_name, f.id AS flow_id, f.version
   FROM phone_numbers n
   LEFT JOIN flows f ON f.name = n.flow_name AND f.published
   WHERE n.number = ANY($1::text[])
   ORDER BY n.number DESC
   LIMIT 1`,
);

const definitionById = preparedStatement<{ definition: Record<string, unknown> }>(
  'flow_definition_by_id',
  'SELECT definition FROM flows WHERE id = $1',
);

/**
 * Finds the published flow a DID runs; queries only. Each call reads which
 * version is published now (so a publish applies to the next call); the
 * definitions themselves are kept, since a flow row's definition never
 * changes (a new version is a new row). The most recent 100 are kept.
 */
export class InboundRouteRepository {
  private readonly definitions = new Map<string, Record<string, unknown>>();

  constructor(private readonly db: Kysely<Database>) {}

  /** `number` as dialled; `+15551234567` and `15551234567` find the same row. */
  async find(number: string): Promise<InboundRoute> {
    const bare = number.replace(/^\+/, '');
    const [row] = await routeOf(this.db, [[bare, `+${bare}`]]);
    if (row === undefined) return { kind: 'unknown' };
    const unpublished = {
      kind: 'unpublished',
      flowName: row.flow_name,
      number: row.number,
    } as const;
    if (row.flow_id === null || row.version === null) return unpublished;
    const definition = await this.definitionOf(row.flow_id);
    if (definition === undefined) return unpublished;
    return {
      kind: 'flow',
      number: row.number,
      flow: { id: row.flow_id, name: row.flow_name, version: row.version, definition },
    };
  }

  private async definitionOf(flowId: string): Promise<Record<string, unknown> | undefined> {
    const kept = this.definitions.get(flowId);
    if (kept !== undefined) return kept;
    // Deleted between the two reads: treated as not published.
    const [row] = await definitionById(this.db, [flowId]);
    if (row === undefined) return undefined;
    if (this.definitions.size >= 100) {
      const oldest = this.definitions.keys().next().value;
      if (oldest !== undefined) this.definitions.delete(oldest);
    }
    // Shared by every call of this version: frozen, so no call can change another's flow.
    const definition = deepFreeze(row.definition);
    this.definitions.set(flowId, definition);
    return definition;
  }
}
