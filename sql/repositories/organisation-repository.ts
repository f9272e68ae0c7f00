import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';

/** Teams, their supervisors, and the skills catalogue. */
export class OrganisationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async listTeams(ids?: readonly string[]) {
    let query = this.db.selectFrom('teams').selectAll().orderBy('name');
    if (ids !== undefined) {
      if (ids.length === 0) return [];
      query = query.where('id', 'in', ids);
    }
    const teams = await query.execute();
    if (teams.length === 0) return [];
    const leads = await this.db
      .selectFrom('team_supervisors')
      .select(['team_id', 'user_id'])
      .where(
        'team_id',
        'in',
        teams.map((t) => t.id),
      )
      .execute();
    return teams.map((team) => ({
      ...team,
      supervisorIds: leads.filter((l) => l.team_id === team.id).map((l) => l.user_id),
    }));
  }

  insertTeam(name: string) {
    return this.db.insertInto('teams').values({ name }).returningAll().executeTakeFirstOrThrow();
  }

  async replaceTeamSupervisors(teamId: string, userIds: readonly string[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('team_supervisors').where('team_id', '=', teamId).execute();
      if (userIds.length > 0) {
        await tx
          .insertInto('team_supervisors')
          .values(userIds.map((user_id) => ({ team_id: teamId, user_id })))
          .execute();
      }
    });
  }

  listSkills() {
    return this.db.selectFrom('skills').selectAll().orderBy('name').execute();
  }

  insertSkill(row: { name: string; description?: string }) {
    return this.db.insertInto('skills').values(row).returningAll().executeTakeFirstOrThrow();
  }
}
