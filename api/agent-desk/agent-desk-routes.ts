import { z } from 'zod';
import type { AgentDesk } from '../../routing/agent/agent-desk.ts';
import { contactIdSchema } from '../../routing/routing-ids.ts';
import { requireVisible } from '../access/access-scope-resolver.ts';
import type { Principal } from '../access/principal.ts';
import { contactMaskerFor } from '../privacy/contact-masking.ts';
import { defineRoute, type RouteDefinition } from '../routes/route-definition.ts';
import { uuid } from '../routes/common-schemas.ts';
import type { WrapUpRules } from '../wrap-up/wrap-up-rules.ts';
import { wrapUpCode } from '../wrap-up/wrap-up-code.ts';
import { agentStatusView, toAgentStatusView } from './agent-status-view.ts';

/** The parts of routing's agent desk the API drives. */
export type AgentDeskPort = Pick<
  AgentDesk,
  'logIn' | 'logOut' | 'setState' | 'accept' | 'reject' | 'complete' | 'finishWrapUp' | 'status'
>;

const reason = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a lowercase code like lunch or training');
const stateBody = z
  .object({ state: z.enum(['available', 'break']), reason: reason.optional() })
  .refine((b) => b.state !== 'break' || b.reason !== undefined, {
    message: 'a break needs a reason',
    path: ['reason'],
  });
// Routing's own rules, checked here too so a refusal names the path parameter.
const offerParams = z.object({
  offerId: z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, 'use 1-200 printable characters without spaces'),
});

const wrapUpBody = z
  .object({
    code: wrapUpCode.optional(),
    notes: z.string().max(2000, 'at most 2000 characters').optional(),
    callId: uuid.optional(),
  })
  .refine((b) => b.notes === undefined || b.callId !== undefined, {
    message: 'notes are kept on the call: give the callId they are about',
    path: ['callId'],
  });

/**
 * The agent's own desk (log in/out, available, break, offers, wrap-up) and a
 * supervisor's view and control of their teams' agents. Routing checks that
 * an offer or contact belongs to the agent acting on it.
 */
export function agentDeskRoutes(deps: {
  desk: AgentDeskPort;
  wrapUp: WrapUpRules;
}): RouteDefinition[] {
  const { desk } = deps;
  // Whoever asks (the agent, or a supervisor) sees numbers and flow variables as their role allows.
  const status = async (agentId: string, viewer: Principal) => ({
    body: toAgentStatusView(await desk.status(agentId), contactMaskerFor(viewer)),
  });
  const teamAgent = async ({
    params,
    scope,
  }: {
    params: { agentId: string };
    scope: () => Promise<{ all: boolean; agentIds: readonly string[] }>;
  }) => {
    const s = await scope();
    requireVisible(s.all || s.agentIds.includes(params.agentId), 'Agent');
  };
  return [
    defineRoute({
      method: 'get',
      path: '/agent/status',
      tag: 'agent-desk',
      summary: 'My state, ringing offers and connected contacts',
      minimumRole: 'agent',
      response: agentStatusView,
      handler: ({ principal }) => status(principal.userId, principal),
    }),
    defineRoute({
      method: 'post',
      path: '/agent/login',
      tag: 'agent-desk',
      summary: 'Log in to my queues as available',
      minimumRole: 'agent',
      body: z.object({}).strict(),
      response: agentStatusView,
      audit: { action: 'agent.log-in', targetType: 'agent' },
      handler: async ({ principal, auditTarget }) => {
        auditTarget(principal.userId);
        await desk.logIn(principal.userId);
        return status(principal.userId, principal);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/agent/logout',
      tag: 'agent-desk',
      summary: 'Log out (refused while a contact is connected)',
      minimumRole: 'agent',
      body: z.object({}).strict(),
      response: agentStatusView,
      audit: { action: 'agent.log-out', targetType: 'agent' },
      handler: async ({ principal, auditTarget }) => {
        auditTarget(principal.userId);
        await desk.logOut(principal.userId);
        return status(principal.userId, principal);
      },
    }),
    defineRoute({
      method: 'put',
      path: '/agent/state',
      tag: 'agent-desk',
      summary: 'Become available, or take a break with a reason',
      minimumRole: 'agent',
      body: stateBody,
      response: agentStatusView,
      audit: { action: 'agent.set-state', targetType: 'agent' },
      handler: async ({ principal, body, auditTarget, auditDetails }) => {
        auditTarget(principal.userId);
        auditDetails({ state: body.state, reason: body.reason ?? null });
        await desk.setState(principal.userId, body.state, body.reason);
        return status(principal.userId, principal);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/agent/offers/:offerId/accept',
      tag: 'agent-desk',
      summary: 'Accept one of my ringing offers',
      minimumRole: 'agent',
      params: offerParams,
      body: z.object({}).strict(),
      response: z.object({
        contactId: z.string(),
        queueId: z.string(),
        channel: z.string(),
        waitMs: z.number(),
      }),
      audit: { action: 'offer.accept', targetType: 'offer' },
      handler: async ({ principal, params }) => ({
        body: await desk.accept(principal.userId, params.offerId),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/agent/offers/:offerId/reject',
      tag: 'agent-desk',
      summary: 'Decline one of my ringing offers',
      minimumRole: 'agent',
      params: offerParams,
      body: z.object({}).strict(),
      audit: { action: 'offer.reject', targetType: 'offer' },
      handler: async ({ principal, params }) => {
        await desk.reject(principal.userId, params.offerId);
        return { status: 204, body: undefined };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/agent/contacts/:contactId/complete',
      tag: 'agent-desk',
      summary: 'Finish a connected contact; wrap-up follows',
      minimumRole: 'agent',
      params: z.object({ contactId: contactIdSchema }),
      body: z.object({}).strict(),
      response: z.object({ wrapUpUntil: z.number() }),
      audit: { action: 'contact.complete', targetType: 'contact' },
      handler: async ({ principal, params }) => ({
        body: { wrapUpUntil: await desk.complete(principal.userId, params.contactId) },
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/agent/wrap-up',
      tag: 'agent-desk',
      summary: 'End wrap-up, recording the disposition code and notes on the call I handled',
      minimumRole: 'agent',
      body: wrapUpBody,
      response: agentStatusView,
      audit: { action: 'agent.wrap-up', targetType: 'agent' },
      handler: async ({ principal, body, auditTarget, auditDetails }) => {
        auditTarget(principal.userId);
        // Whether there were notes, never what they say.
        auditDetails({
          code: body.code ?? null,
          callId: body.callId ?? null,
          notes: body.notes !== undefined,
        });
        if (body.callId !== undefined) {
          await deps.wrapUp.record({ agentId: principal.userId, ...body, callId: body.callId });
        }
        await desk.finishWrapUp(principal.userId);
        return status(principal.userId, principal);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/agents/:agentId/status',
      tag: 'supervision',
      summary: "A team agent's state and offers",
      minimumRole: 'supervisor',
      params: z.object({ agentId: uuid }),
      response: agentStatusView,
      authorize: teamAgent,
      handler: ({ params, principal }) => status(params.agentId, principal),
    }),
    defineRoute({
      method: 'put',
      path: '/agents/:agentId/state',
      tag: 'supervision',
      summary: "Change a team agent's state (available, break with reason, or log out)",
      minimumRole: 'supervisor',
      params: z.object({ agentId: uuid }),
      body: z
        .object({ state: z.enum(['available', 'break', 'offline']), reason: reason.optional() })
        .refine((b) => b.state !== 'break' || b.reason !== undefined, {
          message: 'a break needs a reason',
          path: ['reason'],
        }),
      response: agentStatusView,
      audit: { action: 'supervisor.set-agent-state', targetType: 'agent' },
      authorize: teamAgent,
      handler: async ({ params, body, principal, auditDetails }) => {
        auditDetails({ state: body.state, reason: body.reason ?? null });
        if (body.state === 'offline') await desk.logOut(params.agentId);
        else await desk.setState(params.agentId, body.state, body.reason);
        return status(params.agentId, principal);
      },
    }),
  ];
}
