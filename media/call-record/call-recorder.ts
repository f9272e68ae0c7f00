import type { Clock } from '../../platform/clock.ts';
import type { IdGenerator } from '../../platform/id-generator.ts';
import type { CallLegRole, CallLegSnapshot, CallRecordSink, CallSnapshot } from './call-record.ts';
import { legIdFor } from './leg-id.ts';

/** Longer URIs (a hostile From) are cut: a leg row names a party, it does not archive its header. */
const maxLegUriLength = 512;

/**
 * The leg of the party the call row is about (the caller of an inbound call,
 * the customer of a callback): it starts, is answered and ends with the call,
 * so its row follows the call's.
 */
export interface OwnLeg {
  readonly role: CallLegRole;
  /** The party's URI: the INVITE's From for a caller, the dialled URI for a customer. */
  readonly sipUri: string;
}

/**
 * Keeps one call's row up to date: every change writes a fresh snapshot, and
 * every milestone an event with its own id, to the {@link CallRecordSink}.
 * With an {@link OwnLeg} (`start.ownLeg`), that party's `call_legs` row is
 * written alongside whenever its times, cause or status change (its id is
 * derived from the call's, so rewriting it is harmless).
 *
 * @example
 * const record = new CallRecorder(sink, clock, ids, { id: callId, direction: 'inbound', ...,
 *   ownLeg: { role: 'caller', sipUri: 'sip:+15550001111@carrier.example' } });
 * record.update({ answeredAt: new Date(clock.now()) }, 'call.answered');
 */
export class CallRecorder {
  private current: CallSnapshot;
  private readonly ownLeg: OwnLeg | undefined;
  private leg: CallLegSnapshot | undefined;

  constructor(
    private readonly sink: CallRecordSink,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    start: Pick<CallSnapshot, 'id' | 'direction' | 'fromNumber' | 'toNumber'> &
      Partial<CallSnapshot> & { readonly ownLeg?: OwnLeg },
  ) {
    const { ownLeg, ...call } = start;
    this.ownLeg = ownLeg;
    this.current = {
      did: null,
      sipCallId: null,
      flowId: null,
      queueId: null,
      agentId: null,
      startedAt: new Date(clock.now()),
      answeredAt: null,
      enqueuedAt: null,
      offeredAt: null,
      bridgedAt: null,
      endedAt: null,
      hangupCause: null,
      disposition: null,
      sipStatus: null,
      ...call,
    };
    this.sink.write({ kind: 'call', call: this.current });
    this.writeLeg();
    this.event('call.started', { from: start.fromNumber, to: start.toNumber });
  }

  get snapshot(): CallSnapshot {
    return this.current;
  }

  /** Applies `changes`, writes the new snapshot, and records `eventType` when given. */
  update(changes: Partial<Omit<CallSnapshot, 'id'>>, eventType?: string): void {
    this.current = { ...this.current, ...changes };
    this.sink.write({ kind: 'call', call: this.current });
    this.writeLeg();
    if (eventType !== undefined) this.event(eventType, changes);
  }

  /** The own leg as the call stands, written when it differs from the last one written. */
  private writeLeg(): void {
    if (this.ownLeg === undefined) return;
    const call = this.current;
    const leg: CallLegSnapshot = {
      id: legIdFor(`${call.id}:${this.ownLeg.role}`),
      callId: call.id,
      role: this.ownLeg.role,
      userId: null,
      // Caller-controlled text: kept as data, and bounded.
      sipUri: this.ownLeg.sipUri.slice(0, maxLegUriLength),
      sipCallId: call.sipCallId,
      mediaUuid: null,
      startedAt: call.startedAt,
      answeredAt: call.answeredAt,
      endedAt: call.endedAt,
      hangupCause: call.hangupCause,
      sipStatus: call.sipStatus,
    };
    const last = this.leg;
    if (
      last !== undefined &&
      last.sipCallId === leg.sipCallId &&
      last.answeredAt === leg.answeredAt &&
      last.endedAt === leg.endedAt &&
      last.hangupCause === leg.hangupCause &&
      last.sipStatus === leg.sipStatus
    ) {
      return;
    }
    this.leg = leg;
    this.sink.write({ kind: 'leg', leg });
  }

  /** Records an event on the call's timeline. */
  event(type: string, payload: Readonly<Record<string, unknown>> = {}): void {
    this.sink.write({
      kind: 'event',
      event: {
        eventId: this.ids.next(),
        callId: this.current.id,
        type,
        occurredAt: new Date(this.clock.now()),
        payload,
      },
    });
  }
}
