import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../database.ts';
import type { ApiTokensTable } from '../tables/people-tables.ts';
import type { UserRow } from './user-repository.ts';

export type ApiTokenRow = Omit<Selectable<ApiTokensTable>, 'token_hash'>;

const publicColumns = [
  'id',
  'user_id',
  'name',
  'scopes',
  'created_at',
  'last_used_at',
  'expires_at',
  'revoked_at',
] as const;

/** Integration tokens, stored by hash only. */
export class ApiTokenRepository {
  constructor(private readonly db: Kysely<Database>) {}

  insert(row: {
    user_id: string;
    name: string;
    token_hash: string;
    scopes: string[];
    expires_at: Date | null;
  }): Promise<ApiTokenRow> {
    return this.db
      .insertInto('api_tokens')
      .values(row)
      .returning(publicColumns)
      .executeTakeFirstOrThrow();
  }

  findById(id: string): Promise<ApiTokenRow | undefined> {
    return this.db
      .selectFrom('api_tokens')
      .select(publicColumns)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  listForUser(userId: string): Promise<ApiTokenRow[]> {
    return this.db
      .selectFrom('api_tokens')
      .select(publicColumns)
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .execute();
  }

  /** A usable token (not revoked, not expired) with its enabled user; stamps last use. */
  async findLive(
    tokenHash: string,
    now: Date,
  ): Promise<{ token: ApiTokenRow; user: UserRow } | undefined> {
    const token = await this.db
      .updateTable('api_tokens')
      .set({ last_used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .returning(publicColumns)
      .executeTakeFirst();
    if (token === undefined) return undefined;
    const user = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', token.user_id)
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    return user === undefined ? undefined : { token, user };
  }

  async revoke(id: string, now: Date): Promise<ApiTokenRow | undefined> {
    return this.db
      .updateTable('api_tokens')
      .set({ revoked_at: now })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returning(publicColumns)
      .executeTakeFirst();
  }
}
