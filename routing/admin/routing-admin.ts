import type { AcdCommands } from '../acd-commands.ts';
import {
  agentProfileSchema,
  type AgentProfile,
  type AgentProfileInput,
} from '../agent/agent-profile.ts';
import { parseInput } from '../parse-input.ts';
import {
  queueConfigSchema,
  type QueueConfig,
  type QueueConfigInput,
} from '../queue/queue-config.ts';
import { SwitchboardError } from '../../platform/switchboard-error.ts';

/**
 * Admin configuration of routing: queues and agent profiles. Changes apply
 * to live routing at once (a strategy change re-scores available agents; a
 * new skill may match a waiting contact on the spot).
 *
 * @example
 * await admin.configureQueue({ queueId: 'support', strategy: 'round-robin', wrapUpSeconds: 30 });
 * await admin.configureAgent({ agentId: 'alice', skills: { english: 7 },
 *   queues: [{ queueId: 'support' }] });
 */
export class RoutingAdmin {
  constructor(private readonly commands: AcdCommands) {}

  /** Creates or updates a queue; returns the stored configuration with defaults filled in. */
  async configureQueue(input: QueueConfigInput): Promise<QueueConfig> {
    const queue = parseInput(queueConfigSchema, input, 'queue');
    if (queue.overflowQueueId === queue.queueId) {
      throw new SwitchboardError(
        'validation_failed',
        'queue.overflowQueueId: must differ from queueId',
      );
    }
    const { keys } = this.commands;
    await this.commands.run(
      'configure-queue',
      [keys.queue(queue.queueId), keys.queues()],
      [
        queue.queueId,
        queue.strategy,
        queue.ringTimeoutSeconds * 1000,
        queue.maxWaitSeconds * 1000,
        queue.overflowQueueId ?? '',
        queue.wrapUpSeconds * 1000,
        queue.serviceLevelSeconds * 1000,
        queue.maxConsecutiveMisses,
        queue.priorityAgingSeconds * 1000,
        queue.expectedHandleSeconds * 1000,
      ],
    );
    return queue;
  }

  /** Creates or replaces an agent profile; every queue must already be configured. */
  async configureAgent(input: AgentProfileInput): Promise<AgentProfile> {
    const agent = parseInput(agentProfileSchema, input, 'agent');
    const { keys } = this.commands;
    await this.commands.run(
      'configure-agent',
      [keys.agent(agent.agentId), keys.agents()],
      [
        agent.agentId,
        JSON.stringify(agent.skills),
        JSON.stringify(agent.queues.map((q) => [q.queueId, q.position])),
        JSON.stringify(agent.capacity),
      ],
    );
    return agent;
  }
}
