import type {
  ApiTokenRepository,
  ApiTokenRow,
} from '../../sql/repositories/api-token-repository.ts';
import type { LiveSession, SessionRepository } from '../../sql/repositories/session-repository.ts';
import type { UserRepository, UserRow } from '../../sql/repositories/user-repository.ts';
import type { Clock } from '../../platform/clock.ts';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { Principal, TokenScope } from '../access/principal.ts';
import { tokenScopes } from '../access/principal.ts';
import type { AuditBudget } from '../audit/audit-budget.ts';
import type { AuditEntry, AuditTrail } from '../audit/audit-trail.ts';
import type { CredentialNotices } from './credential-notices.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { RefreshingCache } from './refreshing-cache.ts';
import { hashSecretToken, newSecretToken } from './secret-token.ts';
import { checkTokenGrant } from './token-grant.ts';

export interface AuthServiceOptions {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly tokens: ApiTokenRepository;
  readonly hasher: PasswordHasher;
  readonly throttle: LoginThrottle;
  readonly audit: AuditTrail;
  /**
   * Bounds the failed and locked log-in entries per source address (anyone
   * can cause them, with no account): see {@link AuditBudget}.
   */
  readonly auditBudget: AuditBudget;
  /** Tells live event servers (every instance) of ended and changed credentials. */
  readonly notices: CredentialNotices;
  readonly clock: Clock;
  readonly sessionSeconds: number;
  /**
   * How long a successful session lookup is reused by this process (default
   * 3 s; 0 disables). Sessions in use are re-read in the background before
   * that, so requests do not wait for the lookup. Logout, and every write to
   * a user (role, team, disable, password), drops the entries at once in
   * this process; another API process may keep honouring an ended session
   * for at most this long.
   */
  readonly sessionCacheMs?: number;
  /** Told of every successful login, e.g. to compute the user's access scope ahead of their first request. */
  readonly onLogin?: (principal: Principal) => void;
}

interface CachedSession {
  readonly principal: Principal;
  readonly expiresAt: number;
}

/** Bound on cached sessions; the cache is emptied when it is reached. */
const maxCachedSessions = 20_000;
/** A session unused for this long is no longer refreshed in the background (it may still be cached until its lifetime ends). */
const keepWarmMs = 60_000;

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
  /** Live sessions by token hash: positive lookups only, never past the session's expiry. */
  private readonly sessionCache: RefreshingCache<CachedSession>;

  constructor(private readonly o: AuthServiceOptions) {
    this.sessionCache = new RefreshingCache<CachedSession>({
      ttlMs: o.sessionCacheMs ?? 3_000,
      keepWarmMs,
      maxEntries: maxCachedSessions,
      clock: o.clock,
      validUntil: (s) => s.expiresAt,
      load: async (hashes) => {
        const found = await o.sessions.findLive(hashes, new Date(o.clock.now()));
        return new Map(found.map((s) => [s.tokenHash, cachedSession(s)]));
      },
    });
  }

  /** Stops the background refresh of cached sessions. */
  close(): void {
    this.sessionCache.close();
  }

  async login(email: string, password: string, sourceAddress: string): Promise<LoginResult> {
    const { throttle, audit, users, hasher } = this.o;
    const lockedFor = await throttle.lockedForSeconds(email, sourceAddress);
    if (lockedFor > 0) {
      await this.recordRefusedLogin({
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
    const readVersion = this.sessionCache.version();
    const readAt = this.o.clock.now();
    const user = await users.findByEmail(email);
    this.decoyHash ??= hasher.hash('decoy-password-never-matches');
    const stored = user?.password_hash ?? (await this.decoyHash);
    const valid = (await hasher.verify(stored, password)) && user?.password_hash != null;
    if (!valid || user === undefined || user.disabled_at !== null) {
      const locked = await throttle.recordFailure(email, sourceAddress);
      await this.recordRefusedLogin({
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
    const tokenHash = hashSecretToken(sessionToken);
    const expiresAt = new Date(this.o.clock.now() + this.o.sessionSeconds * 1000);
    const session = await this.o.sessions.insert({
      user_id: user.id,
      token_hash: tokenHash,
      expires_at: expiresAt,
      source_address: sourceAddress,
    });
    const principal = toPrincipal(user, { kind: 'session', sessionId: session.id });
    // The desktop's next requests use this session at once: cache it now, as
    // read with the user above (unless the user changed since that read).
    this.sessionCache.put(
      tokenHash,
      { principal, expiresAt: expiresAt.getTime() },
      readVersion,
      readAt,
    );
    this.o.onLogin?.(principal);
    await audit.record({
      actor: principal,
      action: 'auth.login',
      targetType: 'session',
      targetId: session.id,
      sourceAddress,
    });
    return { principal, sessionToken, expiresAt };
  }

  /** Audits a refused log-in unless its address has used up this minute's budget. */
  private async recordRefusedLogin(entry: AuditEntry & { readonly sourceAddress: string }) {
    const admission = await this.o.auditBudget.admit('login', entry.sourceAddress);
    if (!admission.admitted) return;
    const suppressed = admission.suppressed > 0 ? { suppressed: admission.suppressed } : {};
    await this.o.audit.record({ ...entry, details: { ...entry.details, ...suppressed } });
  }

  /**
   * Ends the session behind a cookie (tokens are revoked, not logged out);
   * its live event sockets close at once.
   */
  async logout(principal: Principal): Promise<void> {
    if (principal.credential.kind === 'session') {
      const { sessionId } = principal.credential;
      this.forgetSessions(
        (p) => p.credential.kind === 'session' && p.credential.sessionId === sessionId,
      );
      await this.o.sessions.end(sessionId, new Date(this.o.clock.now()));
      // Again after the write: a lookup that started before it may have cached the session.
      this.forgetSessions(
        (p) => p.credential.kind === 'session' && p.credential.sessionId === sessionId,
      );
      await this.o.notices.announce({ kind: 'session', id: sessionId });
    }
  }

  /** Revokes a token; requests with it fail from now on and its live event sockets close. */
  async revokeToken(tokenId: string): Promise<void> {
    await this.o.tokens.revoke(tokenId, new Date(this.o.clock.now()));
    await this.o.notices.announce({ kind: 'token', id: tokenId });
  }

  /**
   * A user's access changed (role, team, disabled, password): this process
   * forgets their cached sessions, and every instance re-checks their live
   * event sockets at once (closing them when the user can no longer log
   * in, re-scoping them otherwise). Call after the change is stored.
   */
  async userChanged(userId: string): Promise<void> {
    this.forgetUser(userId);
    await this.o.notices.announce({ kind: 'user', id: userId });
  }

  /**
   * Drops this process's cached sessions of a user, so a change to the user
   * (role, team, disabled, password) applies to their next request.
   */
  forgetUser(userId: string): void {
    this.forgetSessions((p) => p.userId === userId);
  }

  private forgetSessions(matches: (principal: Principal) => boolean): void {
    this.sessionCache.forget((entry) => matches(entry.principal));
  }

  /** The principal behind a session cookie or bearer token, or null. */
  async authenticate(credentials: {
    sessionToken?: string;
    bearerToken?: string;
  }): Promise<Principal | null> {
    if (credentials.bearerToken !== undefined) {
      const found = await this.o.tokens.findLive(
        hashSecretToken(credentials.bearerToken),
        new Date(this.o.clock.now()),
      );
      if (found === undefined) return null;
      return toPrincipal(found.user, {
        kind: 'token',
        tokenId: found.token.id,
        scopes: found.token.scopes.filter((s): s is TokenScope =>
          (tokenScopes as readonly string[]).includes(s),
        ),
        expiresAt: found.token.expires_at,
      });
    }
    if (credentials.sessionToken !== undefined) {
      const cached = await this.sessionCache.get(hashSecretToken(credentials.sessionToken));
      return cached?.principal ?? null;
    }
    return null;
  }

  /**
   * Issues a token for the principal's own user; the secret is returned once.
   * Throws `forbidden` when it would reach further than the principal
   * (see {@link checkTokenGrant}).
   */
  async createToken(
    principal: Principal,
    request: { name: string; scopes: readonly TokenScope[]; expiresAt: Date | null },
  ): Promise<{ token: ApiTokenRow; secret: string }> {
    checkTokenGrant(principal, request);
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

function cachedSession(s: LiveSession): CachedSession {
  return {
    principal: {
      userId: s.userId,
      role: s.role,
      label: s.email,
      credential: { kind: 'session', sessionId: s.sessionId },
    },
    expiresAt: s.expiresAt.getTime(),
  };
}

function toPrincipal(user: UserRow, credential: Principal['credential']): Principal {
  return { userId: user.id, role: user.role, label: user.email, credential };
}
