/**
 * Which people and queues a principal may see, computed once per request.
 * Agents see themselves and the queues they are members of; supervisors the
 * agents of the teams they lead and those teams' queues; admins everything.
 */
export interface AccessScope {
  readonly all: boolean;
  readonly teamIds: readonly string[];
  /** Users whose objects (state, calls, conversations, tickets) are visible. */
  readonly agentIds: readonly string[];
  readonly queueIds: readonly string[];
  /**
   * The same queues by name: routing (and so the live event stream) names
   * queues as flows do, by their name.
   */
  readonly queueNames: readonly string[];
}

export const everything: AccessScope = Object.freeze({
  all: true,
  teamIds: [],
  agentIds: [],
  queueIds: [],
  queueNames: [],
});

/** True when an object owned by `agentId` or sitting in `queueId` is in scope. */
export function scopeCovers(
  scope: AccessScope,
  owner: { readonly agentId?: string | null; readonly queueId?: string | null },
): boolean {
  if (scope.all) return true;
  if (owner.agentId != null && scope.agentIds.includes(owner.agentId)) return true;
  return owner.queueId != null && scope.queueIds.includes(owner.queueId);
}
