import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { UserRole } from '../../sql/tables/people-tables.ts';
import { tokenScopes, type Principal, type TokenScope } from '../access/principal.ts';

/**
 * What each role may hold at all. Agents never see customers' full numbers
 * or emails (privacy/contact-masking.ts), so `pii` would be a promise the
 * API does not keep for them: it is refused rather than issued.
 */
const scopesOfRole: Readonly<Record<UserRole, readonly TokenScope[]>> = {
  agent: ['read', 'write', 'events'],
  supervisor: tokenScopes,
  admin: tokenScopes,
};

/**
 * The scopes `principal` may put on a new token: its role's, and for a
 * caller that is itself a token, only those that token holds, so no token
 * can mint a wider one.
 */
export function grantableScopes(principal: Principal): readonly TokenScope[] {
  const ofRole = scopesOfRole[principal.role];
  const { credential } = principal;
  return credential.kind === 'session'
    ? ofRole
    : ofRole.filter((scope) => credential.scopes.includes(scope));
}

/**
 * Throws `forbidden`, naming the field, when the requested token would reach
 * further than its creator: a scope beyond {@link grantableScopes}, or (for
 * a token creating a token) a lifetime past the creating token's expiry.
 *
 * @example
 * checkTokenGrant(principal, { scopes: ['read', 'pii'], expiresAt: null });
 */
export function checkTokenGrant(
  principal: Principal,
  request: { readonly scopes: readonly TokenScope[]; readonly expiresAt: Date | null },
): void {
  const grantable = grantableScopes(principal);
  const beyond = [...new Set(request.scopes)].filter((scope) => !grantable.includes(scope));
  if (beyond.length > 0) {
    const holder =
      principal.credential.kind === 'token' ? 'this token' : `the ${principal.role} role`;
    const message = `${holder} cannot grant ${beyond.join(', ')}; it may grant ${grantable.join(', ') || 'nothing'}`;
    throw forbidden('body.scopes', message);
  }
  const { credential } = principal;
  if (credential.kind === 'token' && credential.expiresAt !== null) {
    const limit = credential.expiresAt;
    if (request.expiresAt === null || request.expiresAt.getTime() > limit.getTime()) {
      throw forbidden(
        'body.expiresAt',
        `a token may not outlive the token that creates it; give an expiresAt at or before ${limit.toISOString()}`,
      );
    }
  }
}

function forbidden(field: string, message: string): SwitchboardError {
  return new SwitchboardError('forbidden', `${field}: ${message}`, {
    fields: [{ field, message }],
  });
}
