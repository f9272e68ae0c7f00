import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../database.ts';
import type { UserRole, UserSessionsTable } from '../tables/people-tables.ts';

export type SessionRow = Selectable<UserSessionsTable>;

/** A live session and what a request needs of its user. */
export interface LiveSession {
  readonly tokenHash: string;
  readonly sessionId: string;
  readonly expiresAt: Date;
  readonly userId: string;
  readonly role: UserRole;
  readonly email: string;
}

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

  /**
   * The live sessions (not ended, not expired at `now`, user enabled) among
   * `tokenHashes`, with what a request needs of their user; hashes that are
   * not live are missing from the answer. One query for any number of hashes.
   */
  async findLive(tokenHashes: readonly string[], now: Date): Promise<LiveSession[]> {
    if (tokenHashes.length === 0) return [];
    const rows = await this.db
      .selectFrom('user_sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select([
        's.token_hash',
        's.id as session_id',
        's.expires_at',
        'u.id as user_id',
        'u.role',
        'u.email',
      ])
      .where('s.token_hash', '=', sql<string>`ANY(${[...tokenHashes]}::text[])`)
      .where('s.ended_at', 'is', null)
      .where('s.expires_at', '>', now)
      .where('u.disabled_at', 'is', null)
      .execute();
    return rows.map((r) => ({
      tokenHash: r.token_hash,
      sessionId: r.session_id,
      expiresAt: r.expires_at,
      userId: r.user_id,
      role: r.role,
      email: r.email,
    }));
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
