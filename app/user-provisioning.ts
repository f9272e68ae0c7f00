import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { PasswordHasher } from '../api/auth/password-hasher.ts';
import { passwordProblem } from '../api/auth/password-policy.ts';
import { SwitchboardError } from '../platform/switchboard-error.ts';
import type { Database } from '../sql/database.ts';
import type { UserRole } from '../sql/tables/people-tables.ts';

export interface NewUserRequest {
  readonly email: string;
  readonly displayName: string;
  readonly role: UserRole;
  /** Omitted: a random one is generated and returned once. */
  readonly password?: string;
}

/**
 * Creates a user from the command line, e.g. the first admin of a fresh
 * install (every API route needs someone logged in). The password is hashed
 * with the API's hasher; the creation is audited with actor `cli`.
 */
export async function provisionUser(
  db: Kysely<Database>,
  hasher: PasswordHasher,
  request: NewUserRequest,
): Promise<{ id: string; generatedPassword?: string }> {
  if (!/^[^@\s]+@[^@\s]+$/.test(request.email)) {
    throw new SwitchboardError(
      'validation_failed',
      `--email "${request.email}" is not an email address`,
    );
  }
  if (request.displayName.trim() === '') {
    throw new SwitchboardError('validation_failed', '--name must not be empty');
  }
  // The same rule as the API's (twelve spaces, or 123456789012, are not passwords).
  const problem = request.password === undefined ? undefined : passwordProblem(request.password);
  if (problem !== undefined) {
    throw new SwitchboardError('validation_failed', `password ${problem}`);
  }
  const generatedPassword =
    request.password === undefined ? randomBytes(15).toString('base64url') : undefined;
  const passwordHash = await hasher.hash(request.password ?? generatedPassword ?? '');
  const id = await db.transaction().execute(async (tx) => {
    const existing = await tx
      .selectFrom('users')
      .select('id')
      .where('email', '=', request.email)
      .executeTakeFirst();
    if (existing)
      throw new SwitchboardError('conflict', `a user with email ${request.email} already exists`);
    const user = await tx
      .insertInto('users')
      .values({
        email: request.email,
        display_name: request.displayName,
        role: request.role,
        password_hash: passwordHash,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('audit_log')
      .values({
        actor_label: 'cli',
        action: 'user.create',
        target_type: 'user',
        target_id: user.id,
        details: JSON.stringify({ email: request.email, role: request.role }),
      })
      .execute();
    return user.id;
  });
  return generatedPassword === undefined ? { id } : { id, generatedPassword };
}
