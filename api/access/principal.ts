import type { UserRole } from '../../sql/tables/people-tables.ts';

/** What an API token may be used for; a token never exceeds its user's role. */
export type TokenScope = 'read' | 'write' | 'events' | 'pii';

export const tokenScopes: readonly TokenScope[] = ['read', 'write', 'events', 'pii'];

/**
 * The authenticated caller of a request or WebSocket: a user, through either
 * a browser session or an integration token.
 */
export interface Principal {
  readonly userId: string;
  readonly role: UserRole;
  /** Login email, kept on audit entries so they stay readable after a user is deleted. */
  readonly label: string;
  readonly credential:
    | { readonly kind: 'session'; readonly sessionId: string }
    | {
        readonly kind: 'token';
        readonly tokenId: string;
        readonly scopes: readonly TokenScope[];
        /** When the token stops working (null: never); a token it creates may not outlive it. */
        readonly expiresAt: Date | null;
      };
}

const roleRank: Readonly<Record<UserRole, number>> = { agent: 1, supervisor: 2, admin: 3 };

/** True when `role` is `minimum` or above it (agent < supervisor < admin). */
export function roleAtLeast(role: UserRole, minimum: UserRole): boolean {
  return roleRank[role] >= roleRank[minimum];
}

/** Sessions carry every scope; tokens only those they were issued with. */
export function hasScope(principal: Principal, scope: TokenScope): boolean {
  return principal.credential.kind === 'session' || principal.credential.scopes.includes(scope);
}
