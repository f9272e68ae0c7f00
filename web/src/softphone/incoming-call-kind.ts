/** What a header lookup on an incoming INVITE answers (SIP.js `request.getHeader`). */
export type HeaderLookup = (name: string) => string | undefined;

export const offerHeader = 'X-Switchboard-Offer';
export const autoAnswerHeader = 'X-Switchboard-Auto-Answer';

/**
 * What an incoming INVITE is to the desk: the ring of a routing offer
 * (`X-Switchboard-Offer: <offerId>`: answering it accepts the offer), or
 * another call (a supervisor's listen or whisper leg, a click-to-dial leg
 * ringing the agent first) that the agent answers from a prompt, or that
 * is answered at once when it says `X-Switchboard-Auto-Answer: true`.
 */
export interface IncomingCallKind {
  readonly offerId: string | null;
  readonly autoAnswer: boolean;
}

export function incomingCallKind(header: HeaderLookup): IncomingCallKind {
  const offerId = header(offerHeader)?.trim() ?? '';
  const autoAnswer = header(autoAnswerHeader)?.trim().toLowerCase() === 'true';
  return { offerId: offerId === '' ? null : offerId, autoAnswer };
}

/** The key an incoming call is held under: its offer id, or its own id for other calls. */
export function incomingCallKey(kind: IncomingCallKind, invitationId: string): string {
  return kind.offerId ?? `call:${invitationId}`;
}
