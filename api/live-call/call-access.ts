import type { CallRepository } from '../../sql/repositories/call-repository.ts';
import { requireVisible } from '../access/access-scope-resolver.ts';
import { scopeCovers, type AccessScope } from '../access/access-scope.ts';
import type { Principal } from '../access/principal.ts';

/**
 * A route's `authorize` for actions on a call in progress: an agent acts only
 * on the call they are on, not any call of their queues; a supervisor on
 * calls of their teams' agents and queues. Anything else is 404 `Call`.
 *
 * @example
 * defineRoute({ ..., authorize: onTheCallOrSupervising(calls), handler });
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
