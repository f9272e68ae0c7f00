import type { AccessScopeRepository } from '../../sql/repositories/access-scope-repository.ts';
import { requireVisible } from '../access/access-scope-resolver.ts';
import type { AccessScope } from '../access/access-scope.ts';

/** Queue memberships, to tell which agents share a queue with whom. */
export type QueueMemberships = Pick<AccessScopeRepository, 'queuesOfMembers'>;

/**
 * Refuses (404 `Agent`, as for anything out of scope) a transfer or
 * consultation to an agent the principal may not reach: one neither in
 * their scope's people (a supervisor's teams; admins reach everyone) nor a
 * member of one of their scope's queues (an agent reaches the colleagues
 * of their own queues).
 *
 * @example
 * await requireReachableAgent(memberships, await scope(), body.target.agentId);
 */
export async function requireReachableAgent(
  memberships: QueueMemberships,
  scope: AccessScope,
  agentId: string,
): Promise<void> {
  if (scope.all || scope.agentIds.includes(agentId)) return;
  const queues = await memberships.queuesOfMembers([agentId]);
  requireVisible(
    queues.some((queue) => scope.queueIds.includes(queue.id)),
    'Agent',
  );
}
