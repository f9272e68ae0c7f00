import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Database } from '../database.ts';
import type { UsersTable } from '../tables/people-tables.ts';

export type UserRow = Selectable<UsersTable>;

/**
 * The rule (a trigger, sql/migrations/20261207000400_keep_an_admin.up.sql)
 * that refuses a change leaving no active admin; the error names it.
 */
export const keepAnAdminConstraint = 'users_keep_an_active_admin';
export type NewUser = Insertable<UsersTable>;
export type UserChanges = Updateable<UsersTable>;

export interface UserSkillRow {
  readonly skillId: string;
  readonly name: string;
  readonly level: number;
}

/** Users, their skills and SIP credentials. */
export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  findById(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByEmail(email: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  }

  /** Every user, or only those with the given ids when `ids` is given. */
  list(ids?: readonly string[]): Promise<UserRow[]> {
    let query = this.db.selectFrom('users').selectAll().orderBy('display_name').orderBy('id');
    if (ids !== undefined) {
      if (ids.length === 0) return Promise.resolve([]);
      query = query.where('id', 'in', ids);
    }
    return query.execute();
  }

  insert(user: NewUser): Promise<UserRow> {
    return this.db.insertInto('users').values(user).returningAll().executeTakeFirstOrThrow();
  }

  update(id: string, changes: UserChanges): Promise<UserRow | undefined> {
    return this.db
      .updateTable('users')
      .set({ ...changes, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * Stores a new password hash and ends every other open session of the
   * user, in one transaction: no session outlives the password it was
   * opened with. Returns how many sessions ended.
   */
  async replacePassword(
    userId: string,
    passwordHash: string,
    keepSessionId: string,
    now: Date,
  ): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('users')
        .set({ password_hash: passwordHash, updated_at: now })
        .where('id', '=', userId)
        .execute();
      const ended = await tx
        .updateTable('user_sessions')
        .set({ ended_at: now })
        .where('user_id', '=', userId)
        .where('id', '!=', keepSessionId)
        .where('ended_at', 'is', null)
        .executeTakeFirst();
      return Number(ended.numUpdatedRows);
    });
  }

  skills(userId: string): Promise<UserSkillRow[]> {
    return this.db
      .selectFrom('user_skills')
      .innerJoin('skills', 'skills.id', 'user_skills.skill_id')
      .select(['skills.id as skillId', 'skills.name', 'user_skills.level'])
      .where('user_skills.user_id', '=', userId)
      .orderBy('skills.name')
      .execute();
  }

  /** Replaces the user's skills in one transaction. */
  async replaceSkills(
    userId: string,
    skills: readonly { skillId: string; level: number }[],
  ): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('user_skills').where('user_id', '=', userId).execute();
      if (skills.length > 0) {
        await tx
          .insertInto('user_skills')
          .values(skills.map((s) => ({ user_id: userId, skill_id: s.skillId, level: s.level })))
          .execute();
      }
    });
  }

  sipCredentials(userId: string) {
    return this.db
      .selectFrom('sip_credentials')
      .select(['id', 'user_id', 'username', 'realm', 'created_at'])
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .execute();
  }

  insertSipCredential(row: { user_id: string; username: string; realm: string; ha1: string }) {
    return this.db
      .insertInto('sip_credentials')
      .values(row)
      .returning(['id', 'user_id', 'username', 'realm', 'created_at'])
      .executeTakeFirstOrThrow();
  }

  /** The HA1 of one credential of `userId`, for handing to that user's own browser softphone. */
  async sipCredentialHa1(userId: string, realm: string, username: string) {
    const row = await this.db
      .selectFrom('sip_credentials')
      .select('ha1')
      .where('user_id', '=', userId)
      .where('realm', '=', realm)
      .where('username', '=', username)
      .executeTakeFirst();
    return row?.ha1;
  }

  /** Inserts unless (realm, username) exists; true when this call inserted it. */
  async insertSipCredentialIfAbsent(row: {
    user_id: string;
    username: string;
    realm: string;
    ha1: string;
  }): Promise<boolean> {
    const inserted = await this.db
      .insertInto('sip_credentials')
      .values(row)
      .onConflict((conflict) => conflict.columns(['realm', 'username']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async deleteSipCredential(userId: string, credentialId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('sip_credentials')
      .where('id', '=', credentialId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
