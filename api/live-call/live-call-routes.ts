import { z } from 'zod';
import type { UserRepository } from '../../sql/repositories/user-repository.ts';
import type { CallRepository } from '../../sql/repositories/call-repository.ts';
import { requireVisible } from '../access/access-scope-resolver.ts';
import { scopeCovers } from '../access/access-scope.ts';
import { uuid } from '../routes/common-schemas.ts';
import { defineRoute, type RouteDefinition } from '../routes/route-definition.ts';
import { requireReachableAgent, type QueueMemberships } from './agent-reach.ts';
import type { LiveCallControl } from './live-call-control.ts';
import { onTheCallOrSupervising } from './on-the-call.ts';

/** Supervisor listen/whisper/barge and transfer of a call in progress. */
export function liveCallRoutes(deps: {
  calls: CallRepository;
  users: Pick<UserRepository, 'findById'>;
  control: LiveCallControl;
  /** For transfers to an agent: whom the principal may reach (`requireReachableAgent`). */
  memberships: QueueMemberships;
}): RouteDefinition[] {
  const params = z.object({ callId: uuid });
  const onTheCall = onTheCallOrSupervising(deps.calls);
  const recordingRoute = (action: 'pause' | 'resume') =>
    defineRoute({
      method: 'post',
      path: `/calls/:callId/recording/${action}`,
      tag: 'calls',
      summary:
        action === 'pause'
          ? 'Pause the live recording (silent, kept as a masked interval), e.g. for card data'
          : 'Resume a paused live recording',
      minimumRole: 'agent',
      params,
      response: z.object({ callId: uuid, recording: z.enum(['paused', 'recording']) }),
      audit: { action: `recording.${action}`, targetType: 'call' },
      authorize: onTheCall,
      handler: async ({ params: p }) => {
        if (action === 'pause') await deps.control.pauseRecording(p.callId);
        else await deps.control.resumeRecording(p.callId);
        return {
          body: {
            callId: p.callId,
            recording: action === 'pause' ? ('paused' as const) : ('recording' as const),
          },
        };
      },
    });
  return [
    recordingRoute('pause'),
    recordingRoute('resume'),
    defineRoute({
      method: 'post',
      path: '/calls/:callId/supervision',
      tag: 'calls',
      summary: "Join a live call of one's teams to listen, whisper to the agent, or barge in",
      minimumRole: 'supervisor',
      params,
      body: z.object({ mode: z.enum(['listen', 'whisper', 'barge']) }),
      response: z.object({ callId: uuid, mode: z.enum(['listen', 'whisper', 'barge']) }),
      audit: { action: 'supervisor.supervise', targetType: 'call' },
      authorize: async ({ params: p, scope }) => {
        const call = await deps.calls.findById(p.callId);
        requireVisible(
          call !== undefined &&
            scopeCovers(await scope(), { agentId: call.agent_id, queueId: call.queue_id }),
          'Call',
        );
      },
      handler: async ({ params: p, body, principal, auditDetails }) => {
        auditDetails({ mode: body.mode });
        const supervisor = await deps.users.findById(principal.userId);
        await deps.control.supervise({
          callId: p.callId,
          supervisorId: principal.userId,
          supervisorName: supervisor?.display_name ?? principal.label,
          mode: body.mode,
        });
        return { body: { callId: p.callId, mode: body.mode } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/calls/:callId/transfer',
      tag: 'calls',
      summary:
        'Blind-transfer a live call to a number, queue or agent (its agent, or a supervisor)',
      minimumRole: 'agent',
      params,
      body: z.object({
        target: z.discriminatedUnion('kind', [
          z.object({
            kind: z.literal('number'),
            number: z.string().regex(/^\+?[0-9]{2,20}$/, 'must be E.164 digits'),
          }),
          z.object({ kind: z.literal('queue'), queueId: uuid }),
          z.object({ kind: z.literal('agent'), agentId: uuid }),
        ]),
      }),
      response: z.object({ callId: uuid, transferred: z.literal(true) }),
      audit: { action: 'call.transfer', targetType: 'call' },
      authorize: onTheCall,
      handler: async ({ params: p, body, principal, scope, auditDetails }) => {
        if (body.target.kind === 'agent') {
          await requireReachableAgent(deps.memberships, await scope(), body.target.agentId);
        }
        auditDetails({ target: body.target });
        await deps.control.transfer({
          callId: p.callId,
          requestedBy: principal.userId,
          target: body.target,
        });
        return { body: { callId: p.callId, transferred: true as const } };
      },
    }),
  ];
}
