import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import type { UserRole } from '../tables/people-tables.ts';

/** What the registrar needs to check a phone's credentials. */
export interface SipCredentialRecord {
  readonly userId: string;
  readonly role: UserRole;
  readonly ha1: string;
}

/** Queries on `sip_credentials` for the registrar; no rules here. */
export class SipCredentialRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The HA1 of `username` in `realm`, for users who are not disabled. */
  async findForRegistration(
    realm: string,
    username: string,
  ): Promise<SipCredentialRecord | undefined> {
    const row = await this.db
      .selectFrom('sip_credentials')
      .innerJoin('users', 'users.id', 'sip_credentials.user_id')
      .select(['sip_credentials.user_id', 'sip_credentials.ha1', 'users.role'])
      .where('sip_credentials.realm', '=', realm)
      .where('sip_credentials.username', '=', username)
      .where('users.disabled_at', 'is', null)
      .executeTakeFirst();
    return row === undefined ? undefined : { userId: row.user_id, role: row.role, ha1: row.ha1 };
  }
}
