import { z } from 'zod';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { ApiTokenRepository } from '../../sql/repositories/api-token-repository.ts';
import type { UserRepository } from '../../sql/repositories/user-repository.ts';
import { requireVisible } from '../access/access-scope-resolver.ts';
import { tokenScopes } from '../access/principal.ts';
import { emptyBody, isoDateTime, timestamp, uuid } from '../routes/common-schemas.ts';
import { defineRoute, type RouteDefinition } from '../routes/route-definition.ts';
import { toUserPreferences, userPreferences } from '../people/user-preferences.ts';
import type { AuthService } from './auth-service.ts';
import type { PasswordChange } from './password-change.ts';
import { newPassword } from './password-policy.ts';
import { clearedSessionCookie, sessionCookie } from './session-cookie.ts';

export interface AuthRouteDeps {
  readonly auth: AuthService;
  readonly passwordChange: PasswordChange;
  readonly users: UserRepository;
  readonly tokens: ApiTokenRepository;
  readonly sessionSeconds: number;
  /** Adds `Secure` to the cookie; on whenever the API is served over HTTPS. */
  readonly secureCookies: boolean;
}

const me = z.object({
  id: uuid,
  email: z.string(),
  displayName: z.string(),
  role: z.enum(['agent', 'supervisor', 'admin']),
  teamId: uuid.nullable(),
  // The desktop sets itself up from the login answer, without a second request.
  ...userPreferences.shape,
});

const tokenView = z.object({
  id: uuid,
  name: z.string(),
  scopes: z.array(z.enum(tokenScopes)),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable(),
  expiresAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
});

/** Login, logout, the current user, and the caller's API tokens. */
export function authRoutes(deps: AuthRouteDeps): RouteDefinition[] {
  const profile = async (userId: string) => {
    const user = await deps.users.findById(userId);
    if (user === undefined) throw new SwitchboardError('unauthenticated', 'Log in first');
    return {
      id: user.id,
      email: user.email,
      displayName: user.display_name,
      role: user.role,
      teamId: user.team_id,
      ...toUserPreferences(user),
    };
  };
  return [
    defineRoute({
      method: 'post',
      path: '/auth/login',
      tag: 'auth',
      summary: 'Log in with email and password; sets an httpOnly session cookie',
      minimumRole: 'public',
      body: z.object({
        email: z.email({ message: 'must be an email address' }),
        password: z.string().min(1, 'must not be empty').max(1024),
      }),
      response: me,
      handler: async ({ body, req, res }) => {
        const result = await deps.auth.login(body.email, body.password, req.ip ?? 'unknown');
        res.setHeader(
          'set-cookie',
          sessionCookie(result.sessionToken, {
            maxAgeSeconds: deps.sessionSeconds,
            secure: deps.secureCookies,
          }),
        );
        return { body: await profile(result.principal.userId) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/logout',
      tag: 'auth',
      summary: 'End the current session and clear its cookie',
      minimumRole: 'agent',
      body: emptyBody,
      audit: { action: 'auth.logout', targetType: 'session' },
      handler: async ({ principal, res, auditTarget }) => {
        await deps.auth.logout(principal);
        if (principal.credential.kind === 'session') auditTarget(principal.credential.sessionId);
        res.setHeader('set-cookie', clearedSessionCookie(deps.secureCookies));
        return { status: 204, body: undefined };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/auth/me',
      tag: 'auth',
      summary: 'The logged-in user',
      minimumRole: 'agent',
      response: me,
      handler: async ({ principal }) => ({ body: await profile(principal.userId) }),
    }),
    defineRoute({
      method: 'put',
      path: '/auth/password',
      tag: 'auth',
      summary: 'Change my password (browser session only); my other sessions end, this one stays',
      minimumRole: 'agent',
      body: z.object({
        currentPassword: z.string().min(1, 'must not be empty').max(1024),
        // The login password rule (length, variety, not a common one).
        newPassword,
      }),
      audit: { action: 'user.password-change', targetType: 'user' },
      handler: async ({ principal, body, req, auditTarget, auditDetails }) => {
        auditTarget(principal.userId);
        const { endedSessions } = await deps.passwordChange.change(
          principal,
          body.currentPassword,
          body.newPassword,
          req.ip ?? 'unknown',
        );
        auditDetails({ endedSessions });
        return { status: 204, body: undefined };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/tokens',
      tag: 'auth',
      summary: "The caller's API tokens (never their secrets)",
      minimumRole: 'agent',
      response: z.object({ items: z.array(tokenView) }),
      handler: async ({ principal }) => ({
        body: { items: (await deps.tokens.listForUser(principal.userId)).map(toTokenView) },
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/tokens',
      tag: 'auth',
      summary: 'Issue an API token for the caller; the secret is shown once',
      minimumRole: 'agent',
      body: z.object({
        name: z.string().trim().min(1, 'must not be empty').max(100),
        scopes: z.array(z.enum(tokenScopes)).min(1, 'needs at least one scope'),
        expiresAt: isoDateTime.optional(),
      }),
      response: tokenView.extend({ secret: z.string() }),
      successStatus: 201,
      audit: { action: 'token.create', targetType: 'api-token' },
      handler: async ({ principal, body, auditDetails }) => {
        const { token, secret } = await deps.auth.createToken(principal, {
          name: body.name,
          scopes: body.scopes,
          expiresAt: body.expiresAt === undefined ? null : new Date(body.expiresAt),
        });
        auditDetails({ scopes: body.scopes });
        return { body: { ...toTokenView(token), secret } };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/tokens/:tokenId',
      tag: 'auth',
      summary: 'Revoke an API token (own tokens; admins any)',
      minimumRole: 'agent',
      params: z.object({ tokenId: uuid }),
      audit: { action: 'token.revoke', targetType: 'api-token' },
      authorize: async ({ params, principal }) => {
        const token = await deps.tokens.findById(params.tokenId);
        requireVisible(
          token !== undefined && (token.user_id === principal.userId || principal.role === 'admin'),
          'Token',
        );
      },
      handler: async ({ params }) => {
        await deps.auth.revokeToken(params.tokenId);
        return { status: 204, body: undefined };
      },
    }),
  ];
}

function toTokenView(token: {
  id: string;
  name: string;
  scopes: string[];
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
}) {
  return {
    id: token.id,
    name: token.name,
    scopes: token.scopes,
    createdAt: token.created_at.toISOString(),
    lastUsedAt: token.last_used_at?.toISOString() ?? null,
    expiresAt: token.expires_at?.toISOString() ?? null,
    revokedAt: token.revoked_at?.toISOString() ?? null,
  };
}
