import type { Clock } from '../../platform/clock.ts';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { UserRepository } from '../../sql/repositories/user-repository.ts';
import type { Principal } from '../access/principal.ts';
import { invalidField } from '../routes/request-validation.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { PasswordHasher } from './password-hasher.ts';

export interface PasswordChangeOptions {
  readonly users: UserRepository;
  readonly hasher: PasswordHasher;
  /** Wrong current passwords count as failed logins, so a stolen session cannot guess. */
  readonly throttle: LoginThrottle;
  readonly clock: Clock;
  /** Told after the change is stored: drops cached sessions, re-checks event sockets. */
  readonly credentials: { userChanged(userId: string): Promise<void> };
}

/**
 * A user changing their own password. Only from a browser session: an API
 * token is a credential handed to an integration, and must not be able to
 * take over the account that issued it. The current password is asked for
 * (a session left open on a shared desk is not enough), and a wrong one
 * counts toward the login lock-out. On success every other session of the
 * user ends and its event sockets close; the one that asked stays.
 *
 * @example
 * await passwordChange.change(principal, 'old passphrase', 'new passphrase here', req.ip);
 */
export class PasswordChange {
  constructor(private readonly o: PasswordChangeOptions) {}

  /** The new password must already satisfy the policy (password-policy.ts). */
  async change(
    principal: Principal,
    currentPassword: string,
    newPassword: string,
    sourceAddress: string,
  ): Promise<{ readonly endedSessions: number }> {
    const { credential } = principal;
    if (credential.kind !== 'session') {
      throw new SwitchboardError(
        'forbidden',
        "An API token cannot change its owner's password; log in with the password to change it",
      );
    }
    const { throttle, users, hasher } = this.o;
    const lockedFor = await throttle.lockedForSeconds(principal.label, sourceAddress);
    if (lockedFor > 0) {
      throw new SwitchboardError('rate_limited', 'Too many wrong passwords; try again later', {
        retryAfterSeconds: lockedFor,
      });
    }
    const user = await users.findById(principal.userId);
    const stored = user?.password_hash ?? null;
    if (stored === null || !(await hasher.verify(stored, currentPassword))) {
      await throttle.recordFailure(principal.label, sourceAddress);
      throw invalidField('body.currentPassword', 'is not your current password');
    }
    const endedSessions = await users.replacePassword(
      principal.userId,
      await hasher.hash(newPassword),
      credential.sessionId,
      new Date(this.o.clock.now()),
    );
    await throttle.recordSuccess(principal.label);
    await this.o.credentials.userChanged(principal.userId);
    return { endedSessions };
  }
}
