import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../database.ts';
import type { UserSessionsTable } from '../tables/people-tables.ts';
import type { UserRow } from './user-repository.ts';

export type SessionRow = Selectable<UserSessionsTable>;

/** Browser sessions, stored by the hash of their cookie token. */
export class SessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  insert(row: {
    user_id: string;
    token_hash: string;
    expires_at: Date;
    source_address: string | null;
  }): Promise<SessionRow> {
    return this.db.insertInto('user_sessions').values(row).returningAll().executeTakeFirstOrThrow();
  }

  /** A live session (not ended, not expired at `now`) with its enabled user. */
  async findLive(
    tokenHash: string,
    now: Date,
  ): Promise<{ session: SessionRow; user: UserRow } | undefined> {
    const row = await this.db
      .selectFrom('user_sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .selectAll('u')
      .select(['s.id as session_id', 's.expires_at as session_expires_at'])
      .where('s.token_hash', '=', tokenHash)
      .where('s.ended_at', 'is', null)
      .where('s.expires_at', '>', now)
      .where('u.disabled_at', 'is', null)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const { session_id, session_expires_at, ...user } = row;
    return {
      user,
      session: {
        id: session_id,
        user_id: user.id,
        token_hash: tokenHash,
        expires_at: session_expires_at,
        created_at: new Date(0),
        ended_at: null,
        source_address: null,
      },
    };
  }

  async end(sessionId: string, now: Date): Promise<void> {
    await this.db
      .updateTable('user_sessions')
      .set({ ended_at: now })
      .where('id', '=', sessionId)
      .where('ended_at', 'is', null)
      .execute();
  }

  async endAllForUser(userId: string, now: Date): Promise<void> {
    await this.db
      .updateTable('user_sessions')
      .set({ ended_at: now })
      .where('user_id', '=', userId)
      .where('ended_at', 'is', null)
      .execute();
  }
}
