import type { AcdCommands } from '../acd-commands.ts';
import { agentStates, type AgentState } from '../agent/agent-state.ts';
import { parseInput } from '../parse-input.ts';
import { routingName } from '../routing-ids.ts';
import type { QueueSnapshot } from './queue-snapshot.ts';

interface SnapshotReply {
  readonly waiting: Record<string, number>;
  readonly agents: Record<string, number>;
  readonly day: Record<string, number>;
  readonly oldestEnqueuedAt: number;
  readonly serviceLevelMs: number;
}

/**
 * Queue figures for announcements and the wallboard, read in one atomic
 * step. (Per-contact position and estimated wait are on the ACD port.)
 *
 * @example
 * const snapshot = await insight.snapshot('support');
 * snapshot.serviceLevel.ratio; // 0.92
 */
export class QueueInsight {
  constructor(private readonly commands: AcdCommands) {}

  async snapshot(queueId: string): Promise<QueueSnapshot> {
    const id = parseInput(routingName, queueId, 'queueId');
    const { keys } = this.commands;
    const reply = await this.commands.run<SnapshotReply>(
      'queue-snapshot',
      [keys.queue(id), keys.queueStats(id), keys.queueArrivals(id)],
      [id],
    );
    const now = this.commands.clock.now();
    const at = (name: string, from: Record<string, number>): number => Math.max(0, from[name] ?? 0);
    const waitingByPriority = {
      1: at('p1', reply.waiting),
      2: at('p2', reply.waiting),
      3: at('p3', reply.waiting),
      4: at('p4', reply.waiting),
      5: at('p5', reply.waiting),
    };
    const agentsByState = Object.fromEntries(
      agentStates.map((state) => [state, at(state, reply.agents)]),
    ) as Record<AgentState, number>;
    const answered = at('answered', reply.day);
    const answeredWithinTarget = at('answeredWithinTarget', reply.day);
    const abandoned = at('abandoned', reply.day);
    const abandonedWithinTarget = at('abandonedWithinTarget', reply.day);
    const counted = answered + abandoned - abandonedWithinTarget;
    const waiting = Object.values(waitingByPriority).reduce((sum, n) => sum + n, 0);
    return {
      queueId: id,
      takenAt: now,
      waitingByPriority,
      waiting,
      oldestWaitSeconds:
        waiting > 0 && reply.oldestEnqueuedAt > 0
          ? Math.max(0, Math.floor((now - reply.oldestEnqueuedAt) / 1000))
          : 0,
      agentsByState,
      serviceLevel: {
        targetSeconds: reply.serviceLevelMs / 1000,
        answered,
        answeredWithinTarget,
        abandoned,
        abandonedWithinTarget,
        ratio: counted > 0 ? answeredWithinTarget / counted : null,
      },
      overflowedToday: at('overflowed', reply.day),
      timedOutToday: at('timedOut', reply.day),
    };
  }
}
