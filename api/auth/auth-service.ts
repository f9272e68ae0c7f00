import type {
  ApiTokenRepository,
  ApiTokenRow,
} from '../../sql/repositories/api-token-repository.ts';
import type { SessionRepository } from '../../sql/repositories/session-repository.ts';
import type { UserRepository, UserRow } from '../../sql/repositories/user-repository.ts';
import type { Clock } from '../../platform/clock.ts';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { Principal, TokenScope } from '../access/principal.ts';
import { tokenScopes } from '../access/principal.ts';
import type { AuditTrail } from '../audit/audit-trail.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { hashSecretToken, newSecretToken } from './secret-token.ts';

export interface AuthServiceOptions {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly tokens: ApiTokenRepository;
  readonly hasher: PasswordHasher;
  readonly throttle: LoginThrottle;
  readonly audit: AuditTrail;
  readonly clock: Clock;
  readonly sessionSeconds: number;
}

export interface LoginResult {
  readonly principal: Principal;
  /** The cookie value; shown once, stored only as a hash. */
  readonly sessionToken: string;
  readonly expiresAt: Date;
}

/**
 * Logins, sessions and API tokens: who the caller is. Failed and successful
 * logins are audited; repeated failures lock the account or address.
 */
export class AuthService {
  /** Verified against when the email is unknown, so timing does not reveal which emails exist. */
  private decoyHash: Promise<string> | undefined;

  constructor(private readonly o: AuthServiceOptions) {}

  async login(email: string, password: string, sourceAddress: string): Promise<LoginResult> {
    const { throttle, audit, users, hasher } = this.o;
    const lockedFor = await throttle.lockedForSeconds(email, sourceAddress);
    if (lockedFor > 0) {
      await audit.record({
        actor: { label: email },
        action: 'auth.login-locked',
        targetType: 'user',
        targetId: null,
        sourceAddress,
      });
      throw new SwitchboardError('rate_limited', 'Too many failed logins; try again later', {
        retryAfterSeconds: lockedFor,
      });
    }
    const user = await users.findByEmail(email);
    this.decoyHash ??= hasher.hash('decoy-password-never-matches');
    const stored = user?.password_hash ?? (await this.decoyHash);
    const valid = (await hasher.verify(stored, password)) && user?.password_hash != null;
    if (!valid || user === undefined || user.disabled_at !== null) {
      const locked = await throttle.recordFailure(email, sourceAddress);
      await audit.record({
        actor: { label: email },
        action: 'auth.login-failed',
        targetType: 'user',
        targetId: user?.id ?? null,
        sourceAddress,
        details: { locked },
      });
      throw new SwitchboardError('unauthenticated', 'Email or password is wrong');
    }
    await throttle.recordSuccess(email);
    const sessionToken = newSecretToken('sbs');
    const expiresAt = new Date(this.o.clock.now() + this.o.sessionSeconds * 1000);
    const session = await this.o.sessions.insert({
      user_id: user.id,
      token_hash: hashSecretToken(sessionToken),
      expires_at: expiresAt,
      source_address: sourceAddress,
    });
    const principal = toPrincipal(user, { kind: 'session', sessionId: session.id });
    await audit.record({
      actor: principal,
      action: 'auth.login',
      targetType: 'session',
      targetId: session.id,
      sourceAddress,
    });
    return { principal, sessionToken, expiresAt };
  }

  /** Ends the session behind a cookie (tokens are revoked, not logged out). */
  async logout(principal: Principal): Promise<void> {
    if (principal.credential.kind === 'session') {
      await this.o.sessions.end(principal.credential.sessionId, new Date(this.o.clock.now()));
    }
  }

  /** The principal behind a session cookie or bearer token, or null. */
  async authenticate(credentials: {
    sessionToken?: string;
    bearerToken?: string;
  }): Promise<Principal | null> {
    const now = new Date(this.o.clock.now());
    if (credentials.bearerToken !== undefined) {
      const found = await this.o.tokens.findLive(hashSecretToken(credentials.bearerToken), now);
      if (found === undefined) return null;
      return toPrincipal(found.user, {
        kind: 'token',
        tokenId: found.token.id,
        scopes: found.token.scopes.filter((s): s is TokenScope =>
          (tokenScopes as readonly string[]).includes(s),
        ),
      });
    }
    if (credentials.sessionToken !== undefined) {
      const found = await this.o.sessions.findLive(hashSecretToken(credentials.sessionToken), now);
      if (found === undefined) return null;
      return toPrincipal(found.user, { kind: 'session', sessionId: found.session.id });
    }
    return null;
  }

  /** Issues a token for the principal's own user; the secret is returned once. */
  async createToken(
    principal: Principal,
    request: { name: string; scopes: readonly TokenScope[]; expiresAt: Date | null },
  ): Promise<{ token: ApiTokenRow; secret: string }> {
    const secret = newSecretToken('sbt');
    const token = await this.o.tokens.insert({
      user_id: principal.userId,
      name: request.name,
      token_hash: hashSecretToken(secret),
      scopes: [...new Set(request.scopes)],
      expires_at: request.expiresAt,
    });
    return { token, secret };
  }
}

function toPrincipal(user: UserRow, credential: Principal['credential']): Principal {
  return { userId: user.id, role: user.role, label: user.email, credential };
}
