import { z } from 'zod';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import { maskPhone } from '../privacy/contact-masking.ts';
import { uuid } from '../routes/common-schemas.ts';
import { defineRoute, type RouteDefinition } from '../routes/route-definition.ts';
import type { AgentDeskPort } from './agent-desk-routes.ts';
import { alreadyDialling, type ClickToDial } from './click-to-dial.ts';

/** E.164: a plus, a country code not starting with 0, 7 to 15 digits in all. */
const e164 = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number such as +442071234567 (plus, then digits only)');

/**
 * Click-to-dial: the agent's phone rings, then the customer's. Refused while
 * the agent is logged out (routing would not know where they are), in
 * wrap-up, or handling or being offered a contact (one call at a time); an
 * agent on break may dial out. The voice layer engages the agent in routing
 * for the call (busy: no queue call is offered meanwhile), which settles
 * any race with an offer made since this check.
 */
export function clickToDialRoutes(deps: {
  desk: Pick<AgentDeskPort, 'status'>;
  dialer: ClickToDial;
}): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/agent/calls',
      tag: 'agent-desk',
      summary: 'Call a number from my phone (click-to-dial); 202 once it is under way',
      minimumRole: 'agent',
      body: z.object({ number: e164 }),
      response: z.object({ callId: uuid }),
      successStatus: 202,
      audit: { action: 'agent.dial', targetType: 'call' },
      handler: async ({ principal, body, auditTarget, auditDetails }) => {
        const unavailable = deps.dialer.unavailable();
        if (unavailable !== undefined) throw unavailable;
        const status = await deps.desk.status(principal.userId);
        if (status.state === 'offline') {
          throw new SwitchboardError('conflict', 'Log in to your queues before dialling out', {
            reason: 'offline',
          });
        }
        if (status.contacts.some((contact) => contact.engagement === 'click-to-dial')) {
          throw alreadyDialling();
        }
        if (status.contacts.length > 0 || status.offers.length > 0) {
          throw new SwitchboardError(
            'conflict',
            'Finish the contact you are on (or answer the one ringing) before dialling out',
            { reason: status.offers.length > 0 ? 'ringing' : 'on-contact' },
          );
        }
        if (status.state === 'wrap-up') {
          throw new SwitchboardError('conflict', 'Finish your wrap-up before dialling out', {
            reason: 'wrap-up',
          });
        }
        // The audit log is read by more people than may see customer numbers.
        auditDetails({ number: maskPhone(body.number) });
        const { callId } = await deps.dialer.dial(principal.userId, body.number);
        auditTarget(callId);
        return { body: { callId } };
      },
    }),
  ];
}
