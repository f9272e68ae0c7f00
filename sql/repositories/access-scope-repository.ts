import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.ts';

/**
 * The membership facts that decide who may see what (the rules live in
 * api/access). Every lookup takes many users or teams at once, so the caches
 * in api/ refresh everyone in use with one query per kind of fact.
 */
export class AccessScopeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Which teams each of `userIds` leads. */
  async teamsLedBy(userIds: readonly string[]): Promise<{ userId: string; teamId: string }[]> {
    if (userIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('team_supervisors')
      .select(['user_id', 'team_id'])
      .where('user_id', '=', anyUuid(userIds))
      .execute();
    return rows.map((r) => ({ userId: r.user_id, teamId: r.team_id }));
  }

  /** The users of each of `teamIds`. */
  async usersInTeams(teamIds: readonly string[]): Promise<{ teamId: string; userId: string }[]> {
    if (teamIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('users')
      .select(['id', 'team_id'])
      .where('team_id', '=', anyUuid(teamIds))
      .execute();
    return rows.map((r) => ({ teamId: r.team_id!, userId: r.id }));
  }

  /** The queues of each of `teamIds`. */
  async queuesOfTeams(
    teamIds: readonly string[],
  ): Promise<{ teamId: string; id: string; name: string }[]> {
    if (teamIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('queues')
      .select(['id', 'name', 'team_id'])
      .where('team_id', '=', anyUuid(teamIds))
      .execute();
    return rows.map((r) => ({ teamId: r.team_id!, id: r.id, name: r.name }));
  }

  /** The queues each of `userIds` is a member of. */
  async queuesOfMembers(
    userIds: readonly string[],
  ): Promise<{ userId: string; id: string; name: string }[]> {
    if (userIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('queue_members')
      .innerJoin('queues', 'queues.id', 'queue_members.queue_id')
      .select(['queue_members.user_id', 'queues.id', 'queues.name'])
      .where('queue_members.user_id', '=', anyUuid(userIds))
      .execute();
    return rows.map((r) => ({ userId: r.user_id, id: r.id, name: r.name }));
  }
}

/** `= ANY($1::uuid[])`: one parameter however many ids, so the SQL text stays the same. */
function anyUuid(ids: readonly string[]) {
  return sql<string>`ANY(${[...ids]}::uuid[])`;
}
