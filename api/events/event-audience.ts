import type { AccessScope } from '../access/access-scope.ts';
import type { Principal } from '../access/principal.ts';
import type { LiveEvent } from './live-event.ts';

/** Who is listening: the principal, their scope at connect time, and the topics they chose. */
export interface Listener {
  readonly principal: Principal;
  readonly scope: AccessScope;
  readonly topics: ReadonlySet<string>;
}

/**
 * Server-side filtering, the same rules as the HTTP routes: admins get every
 * event; supervisors those about their teams' agents or queues; agents only
 * those about themselves (their state, their offers, their contacts).
 */
export function mayReceive(listener: Listener, event: LiveEvent): boolean {
  if (!listener.topics.has(event.topic)) return false;
  const { scope, principal } = listener;
  if (scope.all) return true;
  const agentId = event.data.agentId;
  if (principal.role === 'agent') return agentId === principal.userId;
  if (agentId !== undefined && agentId !== '' && scope.agentIds.includes(agentId)) return true;
  for (const queueId of [event.data.queueId, event.data.toQueueId]) {
    // Routing names queues by name; older producers may have used the row id.
    if (
      queueId !== undefined &&
      (scope.queueNames.includes(queueId) || scope.queueIds.includes(queueId))
    ) {
      return true;
    }
  }
  return false;
}
