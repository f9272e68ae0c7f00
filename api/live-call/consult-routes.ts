import { z } from 'zod';
import type { CallRepository } from '../../sql/repositories/call-repository.ts';
import { uuid } from '../routes/common-schemas.ts';
import { defineRoute, type RouteDefinition } from '../routes/route-definition.ts';
import { requireReachableAgent, type QueueMemberships } from './agent-reach.ts';
import { nextAvailableAgent, type QueueAgents } from './next-available-agent.ts';
import { onTheCallOrSupervising } from './on-the-call.ts';
import type { LiveCallControl } from './live-call-control.ts';

const consultation = z.object({
  callId: uuid,
  consultation: z.enum(['ringing', 'connected', 'completed', 'cancelled']),
  /** The agent consulted (for a queue: the one chosen). */
  agentId: uuid.optional(),
});

/**
 * Warm (consult) transfer of a call in progress: consult an agent, a queue
 * (its agent available longest) or a number with the caller on hold, then hand the caller over or go back to
 * them. Who may: the call's agent, or a supervisor of their teams or queues;
 * an agent consulted must be reachable (`requireReachableAgent`).
 */
export function consultRoutes(deps: {
  calls: Pick<CallRepository, 'findById'>;
  memberships: QueueMemberships;
  control: Pick<LiveCallControl, 'consult' | 'completeConsultation' | 'cancelConsultation'>;
  /** For a queue target: its members and their routing state. */
  queueAgents: QueueAgents;
}): RouteDefinition[] {
  const params = z.object({ callId: uuid });
  const authorize = onTheCallOrSupervising(deps.calls);
  const step = (action: 'complete' | 'cancel') =>
    defineRoute({
      method: 'post',
      path: `/calls/:callId/consult/${action}`,
      tag: 'calls',
      summary:
        action === 'complete'
          ? 'Hand the caller to the consulted party; my leg ends (wrap-up)'
          : 'End the consultation; back to the caller',
      minimumRole: 'agent',
      params,
      response: consultation,
      audit: { action: `call.consult-${action}`, targetType: 'call' },
      authorize,
      handler: async ({ params: p, principal }) => {
        const request = { callId: p.callId, requestedBy: principal.userId };
        const state =
          action === 'complete'
            ? await deps.control.completeConsultation(request)
            : await deps.control.cancelConsultation(request);
        return { body: { callId: p.callId, consultation: state } };
      },
    });
  return [
    defineRoute({
      method: 'post',
      path: '/calls/:callId/consult',
      tag: 'calls',
      summary:
        'Consult an agent, a queue (its agent available longest) or a number before transferring (the caller hears music on hold); one at a time',
      minimumRole: 'agent',
      params,
      body: z.object({
        target: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('agent'), agentId: uuid }),
          z.object({ kind: z.literal('queue'), queueId: uuid }),
          z.object({
            kind: z.literal('number'),
            number: z.string().regex(/^\+?[0-9]{2,20}$/, 'must be E.164 digits'),
          }),
        ]),
      }),
      response: consultation,
      audit: { action: 'call.consult', targetType: 'call' },
      authorize,
      handler: async ({ params: p, body, principal, scope, auditDetails }) => {
        const { target } = body;
        if (target.kind === 'agent') {
          await requireReachableAgent(deps.memberships, await scope(), target.agentId);
        }
        // A queue: its agent available longest is consulted, as the ACD would offer.
        const consulted =
          target.kind === 'queue'
            ? {
                kind: 'agent' as const,
                agentId: await nextAvailableAgent(deps.queueAgents, await scope(), {
                  queueId: target.queueId,
                  except: principal.userId,
                }),
              }
            : target;
        auditDetails({ target, ...(consulted === target ? {} : { consulted }) });
        const state = await deps.control.consult({
          callId: p.callId,
          requestedBy: principal.userId,
          target: consulted,
        });
        return {
          body: {
            callId: p.callId,
            consultation: state,
            ...(target.kind === 'queue' && consulted.kind === 'agent'
              ? { agentId: consulted.agentId }
              : {}),
          },
        };
      },
    }),
    step('complete'),
    step('cancel'),
  ];
}
