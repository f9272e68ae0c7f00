import { z } from 'zod';
import type { CallRepository } from '../../sql/repositories/call-repository.ts';
import { uuid } from '../routes/common-schemas.ts';
import { defineRoute, type RouteDefinition } from '../routes/route-definition.ts';
import type { CallControlEvents, CallControlsChange } from './call-control-events.ts';
import { dtmfDigitsPattern, type CallControls, type LiveCallControl } from './live-call-control.ts';
import { onTheCallOrSupervising } from './on-the-call.ts';

type Change = CallControlsChange['change'];

const actions: readonly {
  readonly path: 'hold' | 'resume' | 'mute' | 'unmute';
  readonly change: Change;
  readonly summary: string;
}[] = [
  {
    path: 'hold',
    change: 'held',
    summary:
      'Put the customer on hold: they hear music on hold, agent and customer stop hearing each other; the recording keeps running (customer and music). Idempotent',
  },
  { path: 'resume', change: 'resumed', summary: 'Reconnect a held customer with the agent' },
  {
    path: 'mute',
    change: 'muted',
    summary:
      'Mute the agent: their audio no longer reaches the customer (nor the recording); they still hear the customer. Idempotent',
  },
  { path: 'unmute', change: 'unmuted', summary: 'Undo mute' },
];

/**
 * The agent's call controls on the server (hold, mute, DTMF to the customer),
 * for whatever phone the agent uses: the agent on the call, a supervisor of
 * their teams, or an admin. Each change is audited and told on the live
 * event stream (`call.controls`). `conflict` (409) when the call is not
 * bridged to an agent.
 */
export function callControlRoutes(deps: {
  calls: Pick<CallRepository, 'findById'>;
  control: LiveCallControl;
  events: Pick<CallControlEvents, 'tell'>;
}): RouteDefinition[] {
  const params = z.object({ callId: uuid });
  const authorize = onTheCallOrSupervising(deps.calls);
  const apply = (path: (typeof actions)[number]['path'], callId: string) => {
    if (path === 'hold') return deps.control.hold(callId);
    if (path === 'resume') return deps.control.resume(callId);
    if (path === 'mute') return deps.control.mute(callId);
    return deps.control.unmute(callId);
  };
  const tell = async (callId: string, change: Change, controls: CallControls, by: string) => {
    const call = await deps.calls.findById(callId);
    await deps.events.tell({
      callId,
      agentId: call?.agent_id ?? null,
      queueId: call?.queue_id ?? null,
      change,
      controls,
      by,
    });
  };
  const controlRoute = (action: (typeof actions)[number]) =>
    defineRoute({
      method: 'post',
      path: `/calls/:callId/${action.path}`,
      tag: 'calls',
      summary: action.summary,
      minimumRole: 'agent',
      params,
      response:
        action.path === 'hold' || action.path === 'resume'
          ? z.object({ callId: uuid, held: z.boolean() })
          : z.object({ callId: uuid, muted: z.boolean() }),
      audit: { action: `call.${action.path}`, targetType: 'call' },
      authorize,
      handler: async ({ params: p, principal, req }) => {
        const controls = await apply(action.path, p.callId);
        // The change is made: a stream that cannot be written to is logged, not the caller's error.
        await tell(p.callId, action.change, controls, principal.userId).catch((error: unknown) =>
          req.log.warn({ err: error, callId: p.callId }, 'call.controls event not written'),
        );
        const held = action.path === 'hold' || action.path === 'resume';
        return {
          body: held
            ? { callId: p.callId, held: controls.held }
            : { callId: p.callId, muted: controls.muted },
        };
      },
    });
  return [
    ...actions.map(controlRoute),
    defineRoute({
      method: 'post',
      path: '/calls/:callId/hangup',
      tag: 'calls',
      summary:
        "Hang up the agent's leg from the desktop, as if the agent hung up their phone (a desk phone the agent cannot reach, End in the desktop)",
      minimumRole: 'agent',
      params,
      response: z.object({ callId: uuid, hungUp: z.literal(true) }),
      audit: { action: 'call.hangup', targetType: 'call' },
      authorize,
      handler: async ({ params: p }) => {
        await deps.control.hangUpAgent(p.callId);
        return { body: { callId: p.callId, hungUp: true as const } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/calls/:callId/dtmf',
      tag: 'calls',
      summary:
        "Send DTMF keys to the customer's side (e.g. to work an IVR the agent dialled); the audit keeps how many, not which",
      minimumRole: 'agent',
      params,
      body: z.object({
        digits: z.string().regex(dtmfDigitsPattern, 'use 1-32 of 0-9 * # A B C D'),
      }),
      response: z.object({ callId: uuid, sent: z.number().int() }),
      audit: { action: 'call.dtmf', targetType: 'call' },
      authorize,
      handler: async ({ params: p, body, auditDetails }) => {
        // Keys may be an account number or a PIN: never written to the audit log.
        auditDetails({ keys: body.digits.length });
        await deps.control.sendDtmf(p.callId, body.digits);
        return { body: { callId: p.callId, sent: body.digits.length } };
      },
    }),
  ];
}
