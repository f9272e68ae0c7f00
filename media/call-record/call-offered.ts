import type { CallRecordSink } from './call-record.ts';

/** A `contact.offered` routing event for a call, as the call record needs it. */
export interface CallOffer {
  readonly callId: string;
  readonly offerId: string;
  readonly agentId: string;
  readonly queueId?: string;
  /** When routing made the offer. */
  readonly at: number;
  /** The routing event's id, unique across all events. */
  readonly eventId: string;
}

/**
 * Records that routing offered a queued call to an agent: `calls.offered_at`
 * (the first offer's time stands: reports measure time to offer and to
 * answer from it) and a `call.offered` event on the call's timeline. Both
 * are keyed by routing's own ids, so a replayed event writes nothing new.
 *
 * @example
 * recordCallOffered(records, { callId: event.contactId, offerId, agentId, at: event.at, eventId: event.id });
 */
export function recordCallOffered(sink: CallRecordSink, offer: CallOffer): void {
  const at = new Date(offer.at);
  sink.write({ kind: 'offered', offered: { callId: offer.callId, offeredAt: at } });
  sink.write({
    kind: 'event',
    event: {
      eventId: `acd:${offer.eventId}`,
      callId: offer.callId,
      type: 'call.offered',
      occurredAt: at,
      payload: {
        agentId: offer.agentId,
        offerId: offer.offerId,
        ...(offer.queueId === undefined ? {} : { queueId: offer.queueId }),
      },
    },
  });
}
