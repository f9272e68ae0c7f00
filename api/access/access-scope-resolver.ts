import type { AccessScopeRepository } from '../../sql/repositories/access-scope-repository.ts';
import type { OwnerFilter } from '../../sql/repositories/owner-filter.ts';
import type { Clock } from '../../platform/clock.ts';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { UserRole } from '../../sql/tables/people-tables.ts';
import { RefreshingCache } from '../auth/refreshing-cache.ts';
import { everything, type AccessScope } from './access-scope.ts';
import type { Principal } from './principal.ts';

/** Scopes of users not seen for this long are no longer refreshed in the background. */
const keepWarmMs = 60_000;

/** Turns a principal into the people and queues they may see (see {@link AccessScope}). */
export class AccessScopeResolver {
  private readonly cache: RefreshingCache<AccessScope>;

  /**
   * @param cacheMs how long a computed scope may be reused for the same user
   * (default 2 s; 0 disables). Scopes in use are recomputed in the
   * background, for every such user in a few queries, before they expire;
   * team and queue membership changes reach a user within this window.
   */
  constructor(
    private readonly repository: AccessScopeRepository,
    clock: Clock,
    cacheMs = 2_000,
  ) {
    this.cache = new RefreshingCache<AccessScope>({
      ttlMs: cacheMs,
      keepWarmMs,
      maxEntries: 10_000,
      clock,
      load: (keys) => this.computeMany(keys),
    });
  }

  resolve(principal: Principal): Promise<AccessScope> {
    if (principal.role === 'admin') return Promise.resolve(everything);
    return this.cache
      .get(`${principal.role}:${principal.userId}`)
      .then((scope) => scope ?? noScope(principal.userId));
  }

  /**
   * Drops every cached scope that covers `userId` (theirs, and their
   * supervisors'), so a change to their role, team or teams led applies at
   * once in this process rather than within the cache's lifetime.
   */
  forgetUser(userId: string): void {
    this.cache.forget((scope) => scope.agentIds.includes(userId));
  }

  /** Stops the background refresh. */
  close(): void {
    this.cache.close();
  }

  /** Scopes for `role:userId` keys, in one query per kind of membership fact. */
  private async computeMany(keys: readonly string[]): Promise<Map<string, AccessScope>> {
    const byRole: Record<Exclude<UserRole, 'admin'>, string[]> = { agent: [], supervisor: [] };
    for (const key of keys) {
      const [role, userId] = key.split(':') as [UserRole, string];
      if (role === 'agent' || role === 'supervisor') byRole[role].push(userId);
    }
    const [memberQueues, led] = await Promise.all([
      this.repository.queuesOfMembers(byRole.agent),
      this.repository.teamsLedBy(byRole.supervisor),
    ]);
    const teamIds = [...new Set(led.map((l) => l.teamId))];
    const [teamUsers, teamQueues] = await Promise.all([
      this.repository.usersInTeams(teamIds),
      this.repository.queuesOfTeams(teamIds),
    ]);
    const queuesOf = groupBy(memberQueues, (q) => q.userId);
    const teamsOf = groupBy(led, (l) => l.userId);
    const usersOf = groupBy(teamUsers, (u) => u.teamId);
    const teamQueuesOf = groupBy(teamQueues, (q) => q.teamId);
    const scopes = new Map<string, AccessScope>();
    for (const userId of byRole.agent) {
      const queues = queuesOf.get(userId) ?? [];
      scopes.set(`agent:${userId}`, {
        all: false,
        teamIds: [],
        agentIds: [userId],
        queueIds: queues.map((q) => q.id),
        queueNames: queues.map((q) => q.name),
      });
    }
    for (const userId of byRole.supervisor) {
      const teams = [...new Set((teamsOf.get(userId) ?? []).map((l) => l.teamId))];
      const members = teams.flatMap((t) => (usersOf.get(t) ?? []).map((u) => u.userId));
      const queues = teams.flatMap((t) => teamQueuesOf.get(t) ?? []);
      scopes.set(`supervisor:${userId}`, {
        all: false,
        teamIds: teams,
        agentIds: [...new Set([userId, ...members])],
        queueIds: queues.map((q) => q.id),
        queueNames: queues.map((q) => q.name),
      });
    }
    return scopes;
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group === undefined) groups.set(key(item), [item]);
    else group.push(item);
  }
  return groups;
}

/** Only the user themselves (not reached: every agent and supervisor key gets a scope). */
function noScope(userId: string): AccessScope {
  return { all: false, teamIds: [], agentIds: [userId], queueIds: [], queueNames: [] };
}

/** The scope as a repository filter. */
export function ownerFilterOf(scope: AccessScope): OwnerFilter {
  return scope.all ? 'all' : { agentIds: scope.agentIds, queueIds: scope.queueIds };
}

/**
 * Throws `not_found` unless `visible`: an object outside the caller's scope is
 * reported exactly like a missing one, so ids cannot be probed.
 */
export function requireVisible(visible: boolean, what: string): void {
  if (!visible) throw new SwitchboardError('not_found', `${what} not found`);
}
