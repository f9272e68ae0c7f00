import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../database.ts';
import type { DispositionCodesTable } from '../tables/call-tables.ts';

export type DispositionCodeRow = Selectable<DispositionCodesTable>;

/** The unique index on (queue, code); a duplicate's error names it. */
export const dispositionCodeKey = 'disposition_codes_queue_code_key';

/** Disposition (wrap-up) codes, global (`queue_id` null) or per queue. */
export class DispositionCodeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * The global codes and those of `queueIds` (every code when `queueIds` is
   * 'all'), ordered global first, then by queue and code.
   */
  list(queueIds: readonly string[] | 'all'): Promise<DispositionCodeRow[]> {
    let query = this.db
      .selectFrom('disposition_codes')
      .selectAll()
      .orderBy('queue_id', (ob) => ob.asc().nullsFirst())
      .orderBy('code');
    if (queueIds !== 'all') {
      query = query.where((eb) =>
        queueIds.length === 0
          ? eb('queue_id', 'is', null)
          : eb.or([eb('queue_id', 'is', null), eb('queue_id', 'in', queueIds)]),
      );
    }
    return query.execute();
  }

  /** The active codes an agent may give for a call of `queueId` (its own and the global ones). */
  async activeCodesFor(queueId: string | null): Promise<string[]> {
    const rows = await this.db
      .selectFrom('disposition_codes')
      .select('code')
      .distinct()
      .where('active', '=', true)
      .where((eb) =>
        queueId === null
          ? eb('queue_id', 'is', null)
          : eb.or([eb('queue_id', 'is', null), eb('queue_id', '=', queueId)]),
      )
      .orderBy('code')
      .execute();
    return rows.map((r) => r.code);
  }

  findById(id: string): Promise<DispositionCodeRow | undefined> {
    return this.db
      .selectFrom('disposition_codes')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Throws Postgres's unique violation (23505, {@link dispositionCodeKey}) for a duplicate. */
  insert(row: { code: string; label: string; queue_id: string | null }) {
    return this.db
      .insertInto('disposition_codes')
      .values(row)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  update(
    id: string,
    changes: { label?: string | undefined; active?: boolean | undefined },
  ): Promise<DispositionCodeRow | undefined> {
    // An empty change is no statement at all (SET needs a column).
    if (changes.label === undefined && changes.active === undefined) return this.findById(id);
    return this.db
      .updateTable('disposition_codes')
      .set({ label: changes.label, active: changes.active })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /** Past calls keep the code as text (calls.wrap_up_code); only the definition goes. */
  async delete(id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('disposition_codes')
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
