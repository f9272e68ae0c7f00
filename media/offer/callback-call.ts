import type { CallClock } from '../../ivr/call-clock.ts';
import type { IdGenerator } from '../../platform/id-generator.ts';
import type { Logger } from '../../platform/logger.ts';
import type { CallRecordSink } from '../call-record/call-record.ts';
import { CallRecorder } from '../call-record/call-recorder.ts';
import type { ConnectedLeg } from '../freeswitch/connected-leg.ts';
import type { Dialer } from '../freeswitch/free-switch-call-session.ts';
import type { LiveCalls } from '../live-call/live-calls.ts';
import type { BridgeRecorder, CallRecording } from '../recording/call-recording.ts';
import type { CallbackConnector } from './offer-ringer.ts';

export interface CallbackCallOptions {
  readonly dialer: Dialer;
  /** Where bridged callback calls are held so supervisors can join them (`LiveCalls`). */
  readonly calls?: Pick<LiveCalls, 'trackCallback'>;
  readonly records: CallRecordSink;
  /** Records agent and customer once bridged; absent: not recorded. */
  readonly recorder?: BridgeRecorder;
  /** The number customers see (`SIP_CALLBACK_CALLER_ID`). */
  readonly callerNumber: string;
  /** How long the customer's phone rings. Default 30 s. */
  readonly ringTimeoutMs?: number;
  readonly clock: CallClock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
}

/**
 * The second half of a callback offer (and of an agent's click-to-dial call,
 * media/offer/click-to-dial-call.ts): the agent has answered and heard the
 * whisper; now the customer is dialled, and when they answer the two are
 * bridged (and recorded) until either hangs up. The agent hanging up while
 * the customer rings cancels the dial. Every attempt leaves a `callback` call
 * record (with the agent and queue). Once bridged, the call is held in
 * `LiveCalls` under its call id, so supervisors can listen, whisper or barge
 * (eavesdropping on the agent's channel, as on inbound calls) and its
 * recording can be paused.
 *
 * @example
 * const callbacks = new CallbackCall({ dialer, records, recorder, callerNumber: '+15550100000',
 *   clock, ids, logger });
 */
export class CallbackCall implements CallbackConnector {
  constructor(private readonly options: CallbackCallOptions) {}

  async connect(callback: {
    readonly contactId?: string;
    readonly agentId: string;
    readonly queueId?: string;
    readonly number: string;
    readonly agentLeg: ConnectedLeg;
    /**
     * The call's record when it was started before the agent answered (an
     * agent's own outbound call); absent: a `callback` record starts here.
     */
    readonly record?: CallRecorder;
  }): Promise<void> {
    const { clock, ids } = this.options;
    const record =
      callback.record ??
      new CallRecorder(this.options.records, clock, ids, {
        id: ids.next(),
        direction: 'callback',
        fromNumber: this.options.callerNumber,
        toNumber: callback.number,
        agentId: callback.agentId,
        queueId: callback.queueId ?? null,
        // The number as asked for; the carrier URI it is dialled at is the dialler's business.
        ownLeg: { role: 'callback-customer', sipUri: `tel:${callback.number}` },
      });
    const callId = record.snapshot.id;
    const log = this.options.logger.child({ callId, contactId: callback.contactId });
    const agentGone = new AbortController();
    const unwatch = callback.agentLeg.onEnded(() => agentGone.abort(new Error('agent hung up')));
    const dialed = await this.options.dialer
      .dial(callback.number, {
        timeoutMs: this.options.ringTimeoutMs ?? 30_000,
        callerNumber: this.options.callerNumber,
        signal: agentGone.signal,
      })
      .catch((error: unknown) => {
        log.warn({ err: error }, 'callback dial failed');
        return { outcome: 'failed' as const };
      });
    unwatch();
    if (dialed.outcome !== 'answered' || callback.agentLeg.ended) {
      if (dialed.outcome === 'answered') await dialed.leg.hangup();
      await callback.agentLeg.hangup();
      const now = new Date(clock.now());
      record.update(
        {
          endedAt: now,
          hangupCause:
            callback.agentLeg.ended && agentGone.signal.aborted ? 'agentHungUp' : dialed.outcome,
          disposition:
            dialed.outcome === 'busy'
              ? 'busy'
              : dialed.outcome === 'noAnswer'
                ? 'no-answer'
                : 'failed',
        },
        'call.ended',
      );
      return;
    }
    const customer = dialed.leg;
    record.update({ answeredAt: new Date(clock.now()) }, 'call.answered');
    try {
      await customer.endpoint.bridge(callback.agentLeg.endpoint);
    } catch (error) {
      log.warn({ err: error }, 'could not bridge agent and customer');
      await Promise.all([customer.hangup(), callback.agentLeg.hangup()]);
      record.update({ endedAt: new Date(clock.now()), disposition: 'failed' }, 'call.ended');
      return;
    }
    record.update({ bridgedAt: new Date(clock.now()) }, 'call.bridged');
    const held: { recording?: CallRecording } = {};
    const ended = new Promise<boolean>((resolve) => {
      customer.onEnded(() => resolve(true));
      callback.agentLeg.onEnded(() => resolve(false));
    });
    const agentLeg = callback.agentLeg;
    const hangupListeners = new Set<() => void>();
    const over = () => customer.ended || agentLeg.ended;
    void ended.then(() => {
      for (const listener of [...hangupListeners]) listener();
      hangupListeners.clear();
    });
    this.options.calls?.trackCallback({
      callId,
      get ended() {
        return over();
      },
      get bridgedPeer() {
        return over() ? undefined : { leg: agentLeg, agentId: callback.agentId };
      },
      get recording() {
        return held.recording;
      },
      mediaUuids: () => [customer.endpoint.uuid, agentLeg.endpoint.uuid],
      customerEndpoint: customer.endpoint,
      onHangup(listener) {
        if (over()) {
          listener();
          return () => undefined;
        }
        hangupListeners.add(listener);
        return () => hangupListeners.delete(listener);
      },
    });
    const recording = await this.options.recorder
      ?.start(callId, customer.endpoint)
      .catch((error: unknown) => {
        log.warn({ err: error }, 'could not start recording');
        return undefined;
      });
    held.recording = recording;
    const customerHungUp = await ended;
    await Promise.all([customer.hangup(), callback.agentLeg.hangup()]);
    await recording?.stop();
    record.update(
      {
        endedAt: new Date(clock.now()),
        hangupCause: customerHungUp ? 'callerHungUp' : 'normal',
        disposition: 'completed',
      },
      'call.ended',
    );
  }
}
