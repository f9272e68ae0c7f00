import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

export interface FlowPublication {
  readonly name: string;
  readonly definition: Record<string, unknown>;
  readonly sourceFormat: 'json' | 'yaml';
  /** The DID to point at this flow, if any. */
  readonly number?: string;
  readonly publishedBy: string | null;
  readonly actorLabel: string;
  readonly now: Date;
}

/**
 * Stores a new flow version, publishes it and points a number at it in one
 * transaction, with its audit entry. Calls already running keep the version
 * they loaded at answer time; only new calls see the new one.
 */
export class FlowPublicationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async publishNewVersion(p: FlowPublication): Promise<{ id: string; version: number }> {
    return this.db.transaction().execute(async (tx) => {
      // Serialises concurrent publishes of one flow name.
      await tx.selectFrom('flows').select('id').where('name', '=', p.name).forUpdate().execute();
      const latest = await tx
        .selectFrom('flows')
        .select((eb) => eb.fn.max('version').as('v'))
        .where('name', '=', p.name)
        .executeTakeFirst();
      const version = (latest?.v ?? 0) + 1;
      await tx
        .updateTable('flows')
        .set({ published: false, published_at: null })
        .where('name', '=', p.name)
        .where('published', '=', true)
        .execute();
      const row = await tx
        .insertInto('flows')
        .values({
          name: p.name,
          version,
          definition: JSON.stringify(p.definition),
          source_format: p.sourceFormat,
          created_by: p.publishedBy,
          published: true,
          published_at: p.now,
          published_by: p.publishedBy,
        })
        .returning(['id', 'version'])
        .executeTakeFirstOrThrow();
      if (p.number !== undefined) {
        await tx
          .insertInto('phone_numbers')
          .values({ number: p.number, flow_name: p.name })
          .onConflict((oc) => oc.column('number').doUpdateSet({ flow_name: p.name }))
          .execute();
      }
      await tx
        .insertInto('audit_log')
        .values({
          actor_id: p.publishedBy,
          actor_label: p.actorLabel,
          action: 'flow.publish',
          target_type: 'flow',
          target_id: `${p.name}@${version}`,
          details: JSON.stringify({ number: p.number ?? null, flowId: row.id }),
        })
        .execute();
      return row;
    });
  }

  /** The user id for an email, or undefined. */
  async userIdByEmail(email: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirst();
    return row?.id;
  }
}
