import type { Clock } from '../../platform/clock.ts';
import type { IdGenerator } from '../../platform/id-generator.ts';
import type { CallRecordSink, CallSnapshot } from './call-record.ts';

/**
 * Keeps one call's row up to date: every change writes a fresh snapshot, and
 * every milestone an event with its own id, to the {@link CallRecordSink}.
 *
 * @example
 * const record = new CallRecorder(sink, clock, ids, { id: callId, direction: 'inbound', ... });
 * record.update({ answeredAt: new Date(clock.now()) }, 'call.answered');
 */
export class CallRecorder {
  private current: CallSnapshot;

  constructor(
    private readonly sink: CallRecordSink,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    start: Pick<CallSnapshot, 'id' | 'direction' | 'fromNumber' | 'toNumber'> &
      Partial<CallSnapshot>,
  ) {
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
      ...start,
    };
    this.sink.write({ kind: 'call', call: this.current });
    this.event('call.started', { from: start.fromNumber, to: start.toNumber });
  }

  get snapshot(): CallSnapshot {
    return this.current;
  }

  /** Applies `changes`, writes the new snapshot, and records `eventType` when given. */
  update(changes: Partial<Omit<CallSnapshot, 'id'>>, eventType?: string): void {
    this.current = { ...this.current, ...changes };
    this.sink.write({ kind: 'call', call: this.current });
    if (eventType !== undefined) this.event(eventType, changes);
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
