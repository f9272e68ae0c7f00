import { z } from 'zod';
import type { AgentStatus } from '../../routing/agent/agent-state.ts';
import { agentStates } from '../../routing/agent/agent-state.ts';
import type { ContactMasker } from '../privacy/contact-masking.ts';

/** An agent's desk as the API answers it (GET /agent/status and every desk write). */
export const agentStatusView = z.object({
  agentId: z.string(),
  state: z.enum(agentStates as [string, ...string[]]),
  stateSince: z
    .number()
    .describe('when the agent entered the state, ms since the epoch (0: never)'),
  reason: z.string(),
  wrapUpUntil: z.number(),
  consecutiveMisses: z.number(),
  voiceBackoffUntil: z.number(),
  offers: z.array(
    z.object({
      offerId: z.string(),
      contactId: z.string(),
      queueId: z.string(),
      channel: z.string(),
      createdAt: z.number(),
      expiresAt: z.number(),
      callback: z.boolean(),
      callerNumber: z.string().optional().describe('masked unless the caller sees personal data'),
      callbackNumber: z.string().optional().describe('masked unless the caller sees personal data'),
      attributes: z
        .record(z.string(), z.unknown())
        .describe('flow variables: only those the flow lists in screenPop, unless pii'),
    }),
  ),
  contacts: z.array(
    z.object({
      contactId: z.string(),
      queueId: z.string(),
      channel: z.string(),
      acceptedAt: z.number(),
      engagement: z
        .enum(['click-to-dial', 'transfer', 'consult'])
        .optional()
        .describe('a call that came through no queue: how it reached the agent'),
    }),
  ),
});

/**
 * Routing's status, field by field (nothing routing adds later leaves
 * unreviewed), with the caller's and callback numbers and the flow's
 * variables as `mask`'s principal may see them.
 */
export function toAgentStatusView(
  status: AgentStatus,
  mask: ContactMasker,
): z.infer<typeof agentStatusView> {
  return {
    agentId: status.agentId,
    state: status.state,
    stateSince: status.stateSince,
    reason: status.reason,
    wrapUpUntil: status.wrapUpUntil,
    consecutiveMisses: status.consecutiveMisses,
    voiceBackoffUntil: status.voiceBackoffUntil,
    offers: status.offers.map((offer) => ({
      offerId: offer.offerId,
      contactId: offer.contactId,
      queueId: offer.queueId,
      channel: offer.channel,
      createdAt: offer.createdAt,
      expiresAt: offer.expiresAt,
      callback: offer.callback,
      ...(offer.callerNumber === undefined ? {} : { callerNumber: mask.phone(offer.callerNumber) }),
      ...(offer.callbackNumber === undefined
        ? {}
        : { callbackNumber: mask.phone(offer.callbackNumber) }),
      attributes: mask.variables(offer.attributes),
    })),
    contacts: status.contacts.map((contact) => ({
      contactId: contact.contactId,
      queueId: contact.queueId,
      channel: contact.channel,
      acceptedAt: contact.acceptedAt,
      ...(contact.engagement === undefined ? {} : { engagement: contact.engagement }),
    })),
  };
}
