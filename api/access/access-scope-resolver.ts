import type { AccessScopeRepository } from '../../sql/repositories/access-scope-repository.ts';
import { spreadTtl } from '../auth/spread-ttl.ts';
import type { OwnerFilter } from '../../sql/repositories/owner-filter.ts';
import type { Clock } from '../../platform/clock.ts';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import { everything, type AccessScope } from './access-scope.ts';
import type { Principal } from './principal.ts';

/** Turns a principal into the people and queues they may see (see {@link AccessScope}). */
export class AccessScopeResolver {
  private readonly recent = new Map<string, { scope: Promise<AccessScope>; until: number }>();

  /**
   * @param cacheMs how long a computed scope is reused for the same user. The
   * desktop polls its lists several times a second; team and queue
   * membership changes reach a user within this window. 0 disables it.
   */
  constructor(
    private readonly repository: AccessScopeRepository,
    private readonly clock: Clock,
    private readonly cacheMs = 2_000,
  ) {}

  resolve(principal: Principal): Promise<AccessScope> {
    if (principal.role === 'admin') return Promise.resolve(everything);
    const key = `${principal.userId}:${principal.role}`;
    const now = this.clock.now();
    const hit = this.recent.get(key);
    if (hit !== undefined && hit.until > now) return hit.scope;
    const scope = this.compute(principal);
    scope.catch(() => this.recent.delete(key));
    if (this.recent.size > 10_000) this.recent.clear();
    this.recent.set(key, { scope, until: now + spreadTtl(this.cacheMs) });
    return scope;
  }

  private async compute(principal: Principal): Promise<AccessScope> {
    switch (principal.role) {
      case 'admin':
        return everything;
      case 'supervisor': {
        const teamIds = await this.repository.teamsLedBy(principal.userId);
        const [members, queues] = await Promise.all([
          this.repository.usersInTeams(teamIds),
          this.repository.queuesOfTeams(teamIds),
        ]);
        return {
          all: false,
          teamIds,
          agentIds: [...new Set([principal.userId, ...members])],
          queueIds: queues.map((q) => q.id),
          queueNames: queues.map((q) => q.name),
        };
      }
      case 'agent': {
        const queues = await this.repository.queuesOfMember(principal.userId);
        return {
          all: false,
          teamIds: [],
          agentIds: [principal.userId],
          queueIds: queues.map((q) => q.id),
          queueNames: queues.map((q) => q.name),
        };
      }
    }
  }
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
