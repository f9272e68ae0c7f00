import type { Clock } from '../../platform/clock.ts';
import type { CallLegRole, CallLegSnapshot, CallRecordSink } from './call-record.ts';
import { legIdFor } from './leg-id.ts';

/**
 * How a leg Switchboard rang (an agent's offer, a supervisor, a transfer
 * target) ended, as `call_legs.hangup_cause`:
 *
 * | cause | what happened | `sip_status` |
 * |---|---|---|
 * | `normal` | answered, talked, hung up (either side) | 200 |
 * | `noAnswer` | rang until it timed out (for an offer: a miss) | 487 (we cancelled) |
 * | `declined` | a device refused (486, 600, 603), or the number was busy | the refusal |
 * | `unreachable` | every device failed (a phone gone without unregistering) | the first failure |
 * | `cancelled` | the caller hung up or routing withdrew the offer while it rang | 487 |
 * | `hungUpInWhisper` | an agent answered and hung up before the caller was put through | 200 |
 * | `withdrawn` | answered, but what it was for had ended (offer taken elsewhere, call over) | 200 |
 * | `failed` | FreeSWITCH could not give the ring an endpoint, or the dial failed | none |
 */
export type LegEnd =
  | 'normal'
  | 'noAnswer'
  | 'declined'
  | 'unreachable'
  | 'cancelled'
  | 'hungUpInWhisper'
  | 'withdrawn'
  | 'failed';

/**
 * One leg Switchboard rings, in `call_legs`: an agent's offer (`agent`), a
 * supervisor joining (`supervisor`), a transfer target (`transfer`). From
 * the moment the phones ring, through the answer, to its end, answered or
 * not. Its id is derived from `name` (what made the leg, e.g. the offer),
 * so a replayed offer or a second writer upserts the same row.
 *
 * @example
 * const leg = new LegRecord(records, clock, { callId, role: 'agent', userId: agentId,
 *   sipUri: devices[0], name: `offer:${offerId}` });
 * leg.answered({ sipUri: outcome.uri, sipCallId: dialog.sip.callId, mediaUuid: endpoint.uuid });
 * leg.ended('normal');
 */
export class LegRecord {
  private current: CallLegSnapshot;

  constructor(
    private readonly sink: CallRecordSink,
    private readonly clock: Clock,
    start: {
      readonly callId: string;
      readonly role: CallLegRole;
      /** The agent or supervisor rung; null for a number. */
      readonly userId: string | null;
      /** The first device rung (the one that answers replaces it), or the number dialled. */
      readonly sipUri: string;
      /** What made the leg, unique to it: its id is derived from this. */
      readonly name: string;
    },
  ) {
    this.current = {
      id: legIdFor(start.name),
      callId: start.callId,
      role: start.role,
      userId: start.userId,
      sipUri: start.sipUri,
      sipCallId: null,
      mediaUuid: null,
      startedAt: new Date(clock.now()),
      answeredAt: null,
      endedAt: null,
      hangupCause: null,
      sipStatus: null,
    };
    this.sink.write({ kind: 'leg', leg: this.current });
  }

  /** A device answered: its URI, dialog and media channel now name the leg. */
  answered(device: {
    readonly sipUri: string;
    readonly sipCallId: string;
    readonly mediaUuid: string;
  }): void {
    this.update({ ...device, answeredAt: new Date(this.clock.now()), sipStatus: 200 });
  }

  /** The leg is over; a second call changes nothing (the first end stands). */
  ended(cause: LegEnd, sipStatus?: number): void {
    if (this.current.endedAt !== null) return;
    this.update({
      endedAt: new Date(this.clock.now()),
      hangupCause: cause,
      ...(sipStatus === undefined ? {} : { sipStatus }),
    });
  }

  private update(changes: Partial<Omit<CallLegSnapshot, 'id' | 'callId' | 'role'>>): void {
    this.current = { ...this.current, ...changes };
    this.sink.write({ kind: 'leg', leg: this.current });
  }
}
