import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

/** Where a dialled number leads: nowhere, a flow with no published version, or a published flow. */
export type InboundRoute =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'unpublished'; readonly flowName: string }
  | {
      readonly kind: 'flow';
      readonly flow: {
        readonly id: string;
        readonly name: string;
        readonly version: number;
        readonly definition: Record<string, unknown>;
      };
    };

/** Finds the published flow a DID runs; queries only. */
export class InboundRouteRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** `number` as dialled; `+15551234567` and `15551234567` find the same row. */
  async find(number: string): Promise<InboundRoute> {
    const bare = number.replace(/^\+/, '');
    const row = await this.db
      .selectFrom('phone_numbers')
      .leftJoin('flows', (join) =>
        join.onRef('flows.name', '=', 'phone_numbers.flow_name').on('flows.published', '=', true),
      )
      .select([
        'phone_numbers.flow_name',
        'flows.id as flow_id',
        'flows.version',
        'flows.definition',
      ])
      .where('phone_numbers.number', 'in', [bare, `+${bare}`])
      .orderBy('phone_numbers.number', 'desc')
      .executeTakeFirst();
    if (row === undefined) return { kind: 'unknown' };
    if (row.flow_id === null || row.version === null || row.definition === null) {
      return { kind: 'unpublished', flowName: row.flow_name };
    }
    return {
      kind: 'flow',
      flow: {
        id: row.flow_id,
        name: row.flow_name,
        version: row.version,
        definition: row.definition,
      },
    };
  }
}
