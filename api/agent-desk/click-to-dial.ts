import { SwitchboardError } from '../../platform/switchboard-error.ts';

/**
 * What the API asks of the voice layer to place an agent's outbound call
 * (click-to-dial). Owned here, by its caller; the voice layer implements it
 * over drachtio and FreeSWITCH (media/offer/click-to-dial-call.ts), and
 * {@link InMemoryClickToDial} is the twin used in tests. Both pass
 * click-to-dial-contract.ts.
 *
 * @example
 * const { callId } = await clickToDial.dial(agentId, '+442071234567');
 */
export interface ClickToDial {
  /**
   * Rings the agent's registered phones and, once one answers, dials
   * `number` (E.164) through the carrier and bridges the two; the call is
   * recorded and written like any other (`direction` 'outbound'). Resolves
   * with the call's id as soon as the call is under way, before anyone
   * answers. Throws `unavailable` when no outbound call can be placed (the
   * voice path is off, or SIP_OUTBOUND_URI is not set), `conflict` when the
   * agent has no registered phone or already has a dialled call in progress.
   */
  dial(agentId: string, number: string): Promise<{ readonly callId: string }>;
  /**
   * The `unavailable` refusal {@link dial} would give whoever dials (voice
   * off, no SIP_OUTBOUND_URI, shutting down), or undefined when calls can be
   * placed: the API says so before checking the agent's own state, so the
   * reason that no agent can get past comes first.
   */
  unavailable(): SwitchboardError | undefined;
}

/** The refusals every implementation gives, word for word. */
export function outboundUriMissing(): SwitchboardError {
  return new SwitchboardError(
    'unavailable',
    'Outbound calls are off: SIP_OUTBOUND_URI is not set, so numbers have no carrier to go to',
    { reason: 'voice-unavailable' },
  );
}

export function noPhone(): SwitchboardError {
  return new SwitchboardError(
    'conflict',
    'You have no registered phone to call from; register your softphone or desk phone first',
    { reason: 'no-phone' },
  );
}

export function alreadyDialling(): SwitchboardError {
  return new SwitchboardError('conflict', 'You already have a dialled call in progress', {
    reason: 'already-dialling',
  });
}
