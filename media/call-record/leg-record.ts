import type { Clock } from '../../platform/clock.ts';
import type { CallLegSnapshot, CallRecordSink } from './call-record.ts';
import { legIdFor } from './leg-id.ts';

/**
 * How an offered agent leg ended, as `call_legs.hangup_cause`:
 *
 * | cause | what happened | `sip_status` |
 * |---|---|---|
 * | `normal` | answered, talked, hung up (either side) | 200 |
 * | `noAnswer` | rang until the offer expired (a miss) | 487 (we cancelled) |
 * | `declined` | a device refused (486, 600, 603) | the refusal |
 * | `unreachable` | every device failed (a phone gone without unregistering) | the first failure |
 * | `cancelled` | the caller hung up or routing withdrew the offer while it rang | 487 |
 * | `hungUpInWhisper` | answered, hung up before the caller was put through | 200 |
 * | `withdrawn` | answered, but the offer had ended (taken elsewhere, caller gone) | 200 |
 * | `failed` | FreeSWITCH could not give the ring an endpoint | none |
 */
export type AgentLegEnd =
  | 'normal'
  | 'noAnswer'
  | 'declined'
  | 'unreachable'
  | 'cancelled'
  | 'hungUpInWhisper'
  | 'withdrawn'
  | 'failed';

/**
 * One offer's agent leg in `call_legs` (role `agent`): from the moment the
 * agent's phones are rung, through the answer, to its end, answered or not.
 * Its id is derived from the offer id, so a replayed offer or a second
 * writer upserts the same row.
 *
 * @example
 * const leg = new AgentLegRecord(records, clock, { callId, offerId, agentId, sipUri: devices[0] });
 * leg.answered({ sipUri: outcome.uri, sipCallId: dialog.sip.callId, mediaUuid: endpoint.uuid });
 * leg.ended('normal');
 */
export class AgentLegRecord {
  private current: CallLegSnapshot;

  constructor(
    private readonly sink: CallRecordSink,
    private readonly clock: Clock,
    start: {
      readonly callId: string;
      readonly offerId: string;
      readonly agentId: string;
      /** The first device rung; the one that answers replaces it. */
      readonly sipUri: string;
    },
  ) {
    this.current = {
      id: legIdFor(`offer:${start.offerId}`),
      callId: start.callId,
      role: 'agent',
      userId: start.agentId,
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

  get snapshot(): CallLegSnapshot {
    return this.current;
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
  ended(cause: AgentLegEnd, sipStatus?: number): void {
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
