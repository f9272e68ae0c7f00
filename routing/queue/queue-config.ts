import { z } from 'zod';
import { routingName } from '../routing-ids.ts';
import { routingStrategies } from './routing-strategy.ts';

/**
 * What an admin configures for a queue. Durations are in seconds.
 *
 * @example
 * { queueId: 'support', strategy: 'longest-idle', ringTimeoutSeconds: 20, maxWaitSeconds: 600,
 *   overflowQueueId: 'support-overflow', wrapUpSeconds: 30, serviceLevelSeconds: 20,
 *   maxConsecutiveMisses: 3 }
 */
export const queueConfigSchema = z.object({
  queueId: routingName,
  strategy: z.enum(routingStrategies).default('longest-idle'),
  /** How long an offer rings before it moves to the next agent. */
  ringTimeoutSeconds: z.number().int().min(1).max(600).default(20),
  /** 0: wait forever. Past it the contact overflows (or leaves when there is no target). */
  maxWaitSeconds: z.number().int().min(0).max(86_400).default(0),
  overflowQueueId: routingName.optional(),
  /** After-contact work before the next offer; 0 for none. */
  wrapUpSeconds: z.number().int().min(0).max(3_600).default(0),
  /** Answered within this counts towards the service level. */
  serviceLevelSeconds: z.number().int().min(1).max(3_600).default(20),
  /** Consecutive unanswered offers before the agent is put on break; 0 never. */
  maxConsecutiveMisses: z.number().int().min(0).max(100).default(3),
  /** Priority aging step (see priority-aging.ts). */
  priorityAgingSeconds: z.number().int().min(1).max(86_400).default(60),
  /** Seeds the estimated wait until real handle times are known. */
  expectedHandleSeconds: z.number().int().min(1).max(86_400).default(300),
});

export type QueueConfigInput = z.input<typeof queueConfigSchema>;
export type QueueConfig = z.output<typeof queueConfigSchema>;
