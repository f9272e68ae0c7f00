import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

/** Versioned IVR flows; one published version per name. */
export class FlowRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Latest version and published version of every flow name. */
  summaries() {
    return this.db
      .selectFrom('flows')
      .select((eb) => [
        'name',
        eb.fn.max('version').as('latestVersion'),
        eb.fn
          .max(eb.case().when('published', '=', true).then(eb.ref('version')).end())
          .as('publishedVersion'),
      ])
      .groupBy('name')
      .orderBy('name')
      .execute();
  }

  findVersion(name: string, version: number) {
    return this.db
      .selectFrom('flows')
      .selectAll()
      .where('name', '=', name)
      .where('version', '=', version)
      .executeTakeFirst();
  }

  /** Appends the next version number for `name` (serialised by the unique key). */
  async insertNextVersion(row: {
    name: string;
    definition: Record<string, unknown>;
    source_format: 'json' | 'yaml';
    created_by: string;
  }) {
    return this.db.transaction().execute(async (tx) => {
      const latest = await tx
        .selectFrom('flows')
        .select((eb) => eb.fn.max('version').as('v'))
        .where('name', '=', row.name)
        .executeTakeFirst();
      const version = (latest?.v ?? 0) + 1;
      return tx
        .insertInto('flows')
        .values({ ...row, version, definition: JSON.stringify(row.definition) })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
  }

  /** Unpublishes the current version and publishes this one, atomically. */
  async publish(name: string, version: number, userId: string, now: Date) {
    return this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('flows')
        .set({ published: false, published_at: null })
        .where('name', '=', name)
        .where('published', '=', true)
        .execute();
      return tx
        .updateTable('flows')
        .set({ published: true, published_at: now, published_by: userId })
        .where('name', '=', name)
        .where('version', '=', version)
        .returningAll()
        .executeTakeFirst();
    });
  }
}
