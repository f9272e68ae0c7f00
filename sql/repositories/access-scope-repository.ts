import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

/** The membership facts that decide who may see what (the rules live in api/access). */
export class AccessScopeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async teamsLedBy(userId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('team_supervisors')
      .select('team_id')
      .where('user_id', '=', userId)
      .execute();
    return rows.map((r) => r.team_id);
  }

  async usersInTeams(teamIds: readonly string[]): Promise<string[]> {
    if (teamIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('users')
      .select('id')
      .where('team_id', 'in', teamIds)
      .execute();
    return rows.map((r) => r.id);
  }

  async queuesOfTeams(teamIds: readonly string[]): Promise<{ id: string; name: string }[]> {
    if (teamIds.length === 0) return [];
    return this.db
      .selectFrom('queues')
      .select(['id', 'name'])
      .where('team_id', 'in', teamIds)
      .execute();
  }

  async queuesOfMember(userId: string): Promise<{ id: string; name: string }[]> {
    return this.db
      .selectFrom('queue_members')
      .innerJoin('queues', 'queues.id', 'queue_members.queue_id')
      .select(['queues.id', 'queues.name'])
      .where('queue_members.user_id', '=', userId)
      .execute();
  }
}
