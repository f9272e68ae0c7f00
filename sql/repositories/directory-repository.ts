import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.ts';

/** Whose rows a directory search may return: everything, or these people and queues. */
export type DirectoryReach =
  'all' | { readonly agentIds: readonly string[]; readonly queueIds: readonly string[] };

/**
 * Who and where a call can be transferred to, found by name: people who
 * take calls (members of a queue) and queues. Display names only, never
 * e-mail or phone. Rules of who may see whom live in api/directory.
 */
export class DirectoryRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Enabled users whose display name contains `text` (any case), who are in
   * `reach.agentIds` or members of a queue of `reach.queueIds` (`all`: of
   * any queue), by name, at most `limit`, without `exceptUserId` when given.
   */
  async people(search: {
    readonly text: string;
    readonly reach: DirectoryReach;
    readonly exceptUserId?: string;
    readonly limit: number;
  }): Promise<{ id: string; displayName: string }[]> {
    const { reach, exceptUserId } = search;
    const rows = await this.db
      .selectFrom('users')
      .select(['users.id', 'users.display_name'])
      .where('users.disabled_at', 'is', null)
      .$if(exceptUserId !== undefined, (query) => query.where('users.id', '!=', exceptUserId!))
      .where('users.display_name', 'ilike', containing(search.text))
      .where((eb) => {
        const members = eb
          .selectFrom('queue_members')
          .select('queue_members.user_id')
          .whereRef('queue_members.user_id', '=', 'users.id');
        if (reach === 'all') return eb.exists(members);
        return eb.or([
          eb('users.id', '=', anyUuid(reach.agentIds)),
          eb.exists(members.where('queue_members.queue_id', '=', anyUuid(reach.queueIds))),
        ]);
      })
      .orderBy('users.display_name')
      .orderBy('users.id')
      .limit(search.limit)
      .execute();
    return rows.map((r) => ({ id: r.id, displayName: r.display_name }));
  }

  /** Queues whose name or display name contains `text` (any case), within `queueIds` unless `all`. */
  async queues(search: {
    readonly text: string;
    readonly queueIds: 'all' | readonly string[];
    readonly limit: number;
  }): Promise<{ id: string; name: string; displayName: string }[]> {
    const pattern = containing(search.text);
    let query = this.db
      .selectFrom('queues')
      .select(['id', 'name', 'display_name'])
      .where((eb) => eb.or([eb('name', 'ilike', pattern), eb('display_name', 'ilike', pattern)]));
    if (search.queueIds !== 'all') query = query.where('id', '=', anyUuid(search.queueIds));
    const rows = await query.orderBy('display_name').orderBy('name').limit(search.limit).execute();
    return rows.map((r) => ({ id: r.id, name: r.name, displayName: r.display_name }));
  }
}

/** An ILIKE pattern matching `text` anywhere, its `%`, `_` and `\` taken literally. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** `= ANY($1::uuid[])`: one parameter however many ids, so the SQL text stays the same. */
function anyUuid(ids: readonly string[]) {
  return sql<string>`ANY(${[...ids]}::uuid[])`;
}
