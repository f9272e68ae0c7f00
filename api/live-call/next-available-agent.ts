import { SwitchboardError } from '../../platform/switchboard-error.ts';
import { requireVisible } from '../access/access-scope-resolver.ts';
import type { AccessScope } from '../access/access-scope.ts';

/** A queue's members and each one's routing state (DirectoryRepository, routing's desk). */
export interface QueueAgents {
  members(queueId: string): Promise<readonly string[]>;
  status(agentId: string): Promise<{ readonly state: string; readonly stateSince?: number }>;
}

/**
 * The member of `queueId` who has been available longest (the ACD's own
 * longest-idle choice), for a consultation with "the queue". 404 `Queue`
 * outside the principal's scope; 409 naming `nobody-available` when no
 * member is available now.
 *
 * @example
 * const agentId = await nextAvailableAgent(queueAgents, await scope(), { queueId, except: me });
 */
export async function nextAvailableAgent(
  agents: QueueAgents,
  scope: AccessScope,
  options: { readonly queueId: string; readonly except: string },
): Promise<string> {
  requireVisible(scope.all || scope.queueIds.includes(options.queueId), 'Queue');
  const members = (await agents.members(options.queueId)).filter((id) => id !== options.except);
  const states = await Promise.all(
    members.map(async (agentId) => ({ agentId, ...(await agents.status(agentId)) })),
  );
  const available = states
    .filter((agent) => agent.state === 'available')
    .sort((a, b) => (a.stateSince ?? 0) - (b.stateSince ?? 0));
  const first = available[0];
  if (first === undefined) {
    throw new SwitchboardError('conflict', 'Nobody in that queue is available now', {
      reason: 'nobody-available',
    });
  }
  return first.agentId;
}
