import { z } from 'zod';
import { routingName } from '../routing-ids.ts';

/**
 * What an admin configures for an agent.
 *
 * @example
 * { agentId: 'alice', skills: { english: 8, billing: 3 },
 *   queues: [{ queueId: 'support', position: 1 }], capacity: { voice: 1, chat: 3, email: 5 } }
 */
export const agentProfileSchema = z.object({
  agentId: routingName,
  /** Skill name -> level 1 (novice) to 10 (expert). */
  skills: z.record(routingName, z.number().int().min(1).max(10)),
  /** Queues the agent serves; `position` orders agents for the top-down strategy (lower first). */
  queues: z
    .array(
      z.object({
        queueId: routingName,
        position: z.number().int().min(0).max(1_000_000).default(0),
      }),
    )
    .max(100),
  /**
   * Contacts at once per channel. Voice is 0 or 1: a phone rings for one call at a time.
   * Defaults: one voice call, no chats, no emails.
   */
  capacity: z
    .object({
      voice: z.number().int().min(0).max(1).default(1),
      chat: z.number().int().min(0).max(20).default(0),
      email: z.number().int().min(0).max(50).default(0),
    })
    .strict()
    .default({ voice: 1, chat: 0, email: 0 }),
});

export type AgentProfileInput = z.input<typeof agentProfileSchema>;
export type AgentProfile = z.output<typeof agentProfileSchema>;
