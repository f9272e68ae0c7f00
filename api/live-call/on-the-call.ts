import type { CallRepository } from '../../sql/repositories/call-repository.ts';
import { requireVisible } from '../access/access-scope-resolver.ts';
import { scopeCovers, type AccessScope } from '../access/access-scope.ts';
import type { Principal } from '../access/principal.ts';

/**
 * The check of routes that act on a call in progress: an agent only on the
 * call they are on (not any call of their queues); a supervisor on calls of
 * their teams' agents and queues; an admin on any. Anything else reads as a
 * missing call (`not_found`), so call ids cannot be probed.
 *
 * @example
 * defineRoute({ ..., authorize: onTheCallOrSupervising(calls) })
 */
export function onTheCallOrSupervising(calls: Pick<CallRepository, 'findById'>) {
  return async ({
    params,
    scope,
    principal,
  }: {
    params: { callId: string };
    scope: () => Promise<AccessScope>;
    principal: Principal;
  }): Promise<void> => {
    const call = await calls.findById(params.callId);
    const allowed =
      call !== undefined &&
      (principal.role === 'agent'
        ? call.agent_id === principal.userId
        : scopeCovers(await scope(), { agentId: call.agent_id, queueId: call.queue_id }));
    requireVisible(allowed, 'Call');
  };
}
