import type { Logger } from '../../platform/logger.ts';
import type { CallClock } from '../../ivr/call-clock.ts';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { CallRecordSink } from '../call-record/call-record.ts';
import { LegRecord } from '../call-record/leg-record.ts';
import type { ConnectedLeg } from '../freeswitch/connected-leg.ts';
import type { Dialer } from '../freeswitch/free-switch-call-session.ts';
import { isDecline, type DeviceRinger } from '../offer/device-ringer.ts';
import { ringLegEnd } from '../offer/ring-leg-end.ts';
import { Eavesdrop } from '../supervision/eavesdrop.ts';
import type { SupervisionMode } from '../supervision/supervision-mode.ts';
import type { SupervisionNotice } from '../supervision/supervision-notice.ts';
import type { QueueTransfer } from '../transfer/queue-transfer.ts';
import { AgentCallControls, type AgentCallControlState } from './agent-call-controls.ts';
import { transferToAgent } from '../transfer/agent-transfer.ts';
import type { ConsultationStep } from '../transfer/consultation.ts';
import type { Consultations } from '../transfer/consultations.ts';
import type { TransferTargetCall } from '../transfer/transfer-target-call.ts';
import type { LiveCalls } from './live-calls.ts';

/** Where a call in progress is blind-transferred (the API's `TransferTarget`). */
export type LiveTransferTarget =
  | { readonly kind: 'number'; readonly number: string }
  | { readonly kind: 'queue'; readonly queueId: string }
  | { readonly kind: 'agent'; readonly agentId: string };

export interface MediaLiveCallControlOptions {
  readonly calls: LiveCalls;
  /** Supervisors' registered phones (`RegistrationStore`). */
  readonly devices: {
    bindings(
      userId: string,
    ): Promise<readonly { readonly contact: string; readonly sourceAddress?: string }[]>;
  };
  readonly ringer: DeviceRinger;
  readonly dialer: Dialer;
  /** Where the legs made here go: a supervisor's (`supervisor`), a transfer target's (`transfer`). */
  readonly records: CallRecordSink;
  readonly notice: SupervisionNotice;
  /** Transfers to a queue (`QueueTransfer`); absent: refused with `conflict`. */
  readonly queues?: Pick<QueueTransfer, 'transfer'>;
  /** Calls transfer and consultation targets; absent: transfers to an agent are refused. */
  readonly targets?: Pick<TransferTargetCall, 'reserve'>;
  /** Warm transfers; absent: consultations are refused with `conflict`. */
  readonly consultations?: Consultations;
  /** How long a supervisor's phone, or a transfer target, rings. Default 30 s. */
  readonly ringTimeoutMs?: number;
  /** Rings and bounds on FreeSWITCH commands run on it. */
  readonly clock: CallClock;
  readonly logger: Logger;
  /** What a customer on hold hears. Default `local_stream://default`, the queues' music. */
  readonly holdMusic?: string;
}

/**
 * The API's live-call control (`api/live-call/live-call-control.ts`) over
 * FreeSWITCH: supervisors join with `eavesdrop`, calls are blind-transferred
 * to a number or a queue (`QueueTransfer`), and recordings are paused and
 * resumed. Errors: `not_found` for
 * a call not live here, `conflict` when the call is not connected to an agent
 * (or the supervisor has no registered phone), `unavailable` when the phone
 * or the transfer target does not answer.
 *
 * @example
 * const control = new MediaLiveCallControl({ calls, devices: registrations, ringer, dialer,
 *   notice, clock, logger });
 * await control.supervise({ callId, supervisorId, mode: 'whisper' });
 */
export class MediaLiveCallControl {
  private readonly eavesdrops = new Map<string, Eavesdrop>();

  /** Hold, mute and DTMF of the agent on a call (agent-call-controls.ts). */
  private readonly agentControls: AgentCallControls;

  constructor(private readonly options: MediaLiveCallControlOptions) {
    this.agentControls = new AgentCallControls({
      calls: options.calls,
      holdMusic: options.holdMusic ?? 'local_stream://default',
      clock: options.clock,
      logger: options.logger,
    });
  }

  async supervise(request: {
    readonly callId: string;
    readonly supervisorId: string;
    readonly supervisorName: string;
    readonly mode: SupervisionMode;
  }): Promise<void> {
    const key = `${request.callId}|${request.supervisorId}`;
    const joined = this.eavesdrops.get(key);
    if (joined !== undefined && !joined.ended) {
      await joined.setMode(request.mode);
      return;
    }
    const agent = this.connectedAgent(request.callId);
    const phones = await this.options.devices.bindings(request.supervisorId);
    if (phones.length === 0) {
      throw new SwitchboardError('conflict', 'The supervisor has no registered phone');
    }
    const { clock } = this.options;
    const record = new LegRecord(this.options.records, clock, {
      callId: request.callId,
      role: 'supervisor',
      userId: request.supervisorId,
      sipUri: phones[0]?.contact ?? '',
      name: `supervisor:${request.callId}:${request.supervisorId}:${clock.now()}`,
    });
    let gone = 0;
    const outcome = await this.options.ringer.ring(
      phones.map((phone) => phone.contact),
      {
        timeoutMs: this.options.ringTimeoutMs ?? 30_000,
        headers: { From: '"Supervision" <sip:supervision@localhost>' },
        onDeviceFailed: (_uri, status) => {
          if (!isDecline(status)) gone += 1;
        },
      },
    );
    if (outcome.kind !== 'answered') {
      record.ended(...ringLegEnd(outcome, gone === phones.length));
      throw new SwitchboardError('unavailable', "The supervisor's phone did not answer");
    }
    record.answered(answeredDevice(outcome.uri, outcome.leg));
    const still = this.options.calls.connected(request.callId)?.bridgedPeer;
    if (still?.leg !== agent.leg || agent.leg.ended) {
      await outcome.leg.hangup();
      record.ended('withdrawn');
      throw new SwitchboardError('not_found', 'The call ended before the supervisor answered');
    }
    const eavesdrop = new Eavesdrop({
      callId: request.callId,
      agentId: agent.agentId,
      supervisorId: request.supervisorId,
      supervisorName: request.supervisorName,
      supervisor: outcome.leg,
      supervisorAddress:
        phones.find((phone) => phone.contact === outcome.uri)?.sourceAddress ?? null,
      agentUuid: agent.leg.endpoint.uuid,
      notice: this.options.notice,
      clock: this.options.clock,
      logger: this.options.logger.child({ callId: request.callId }),
    });
    this.eavesdrops.set(key, eavesdrop);
    outcome.leg.onEnded(() => {
      record.ended('normal');
      if (this.eavesdrops.get(key) === eavesdrop) this.eavesdrops.delete(key);
    });
    await eavesdrop.start(request.mode);
  }

  /**
   * Blind transfer: to a number (the caller is connected to it, the agent leg
   * ends) or to a queue (the agent leg ends, the caller waits with music on
   * hold for the next agent).
   */
  async transfer(request: {
    readonly callId: string;
    readonly requestedBy: string;
    readonly target: LiveTransferTarget;
  }): Promise<void> {
    const session = this.live(request.callId);
    if (session.bridgedPeer === undefined) {
      throw new SwitchboardError('conflict', 'The call is not connected to anyone');
    }
    if (request.target.kind === 'queue') {
      if (this.options.queues === undefined) {
        throw new SwitchboardError('conflict', 'Transfers to a queue are not set up here');
      }
      await this.options.queues.transfer(session, request.target.queueId);
      this.options.logger.info(
        { callId: request.callId, requestedBy: request.requestedBy, target: request.target },
        'call transferred',
      );
      return;
    }
    if (request.target.kind === 'agent') {
      if (this.options.targets === undefined) {
        throw new SwitchboardError('conflict', 'Transfers to an agent are not set up here');
      }
      await transferToAgent(
        session,
        request.target.agentId,
        this.options.targets,
        this.options.logger,
      );
      this.options.logger.info(
        { callId: request.callId, requestedBy: request.requestedBy, target: request.target },
        'call transferred',
      );
      return;
    }
    const target = `tel:${request.target.number}`;
    const record = new LegRecord(this.options.records, this.options.clock, {
      callId: request.callId,
      role: 'transfer',
      userId: null,
      sipUri: target,
      name: `transfer:${request.callId}:${this.options.clock.now()}`,
    });
    const result = await this.options.dialer.dial(request.target.number, {
      timeoutMs: this.options.ringTimeoutMs ?? 30_000,
      callerNumber: session.callerNumber,
    });
    if (result.outcome !== 'answered') {
      record.ended(result.outcome === 'busy' ? 'declined' : result.outcome);
      throw new SwitchboardError(
        'unavailable',
        `The transfer target did not answer (${result.outcome})`,
      );
    }
    record.answered(answeredDevice(target, result.leg));
    if (session.ended) {
      await result.leg.hangup();
      record.ended('withdrawn');
      throw new SwitchboardError('not_found', 'The call ended during the transfer');
    }
    result.leg.onEnded(() => record.ended('normal'));
    await session.handOver(result.leg);
    this.options.logger.info(
      { callId: request.callId, requestedBy: request.requestedBy, target: request.target },
      'call transferred',
    );
  }

  /** Silences the call's recording from now (card data). */
  async pauseRecording(callId: string): Promise<void> {
    await this.recordingOf(callId).pause();
  }

  async resumeRecording(callId: string): Promise<void> {
    await this.recordingOf(callId).resume();
  }

  hold(callId: string): Promise<AgentCallControlState> {
    return this.agentControls.hold(callId);
  }

  resume(callId: string): Promise<AgentCallControlState> {
    return this.agentControls.resume(callId);
  }

  mute(callId: string): Promise<AgentCallControlState> {
    return this.agentControls.mute(callId);
  }

  unmute(callId: string): Promise<AgentCallControlState> {
    return this.agentControls.unmute(callId);
  }

  hangUpAgent(callId: string): Promise<void> {
    return this.agentControls.hangUpAgent(callId);
  }

  sendDtmf(callId: string, digits: string): Promise<void> {
    return this.agentControls.sendDtmf(callId, digits);
  }

  controls(callId: string): Promise<AgentCallControlState | undefined> {
    return Promise.resolve(this.agentControls.controls(callId));
  }

  /** Supervisors joined now, for drain and tests. */
  get supervising(): number {
    return [...this.eavesdrops.values()].filter((eavesdrop) => !eavesdrop.ended).length;
  }

  /** Hangs up every supervisor (drain). */
  async close(): Promise<void> {
    await Promise.all([...this.eavesdrops.values()].map((eavesdrop) => eavesdrop.stop()));
  }

  /** An inbound call in progress (one that can be transferred). */
  private live(callId: string) {
    const session = this.options.calls.get(callId);
    if (session === undefined || session.ended) {
      const callback = this.options.calls.connected(callId);
      throw new SwitchboardError(
        'conflict',
        callback !== undefined && !callback.ended
          ? 'A callback call cannot be transferred'
          : 'The call is not in progress',
      );
    }
    return session;
  }

  /** Any call in progress, inbound or callback. */
  private connected(callId: string) {
    const call = this.options.calls.connected(callId);
    if (call === undefined || call.ended) {
      throw new SwitchboardError('conflict', 'The call is not in progress');
    }
    return call;
  }

  private connectedAgent(callId: string) {
    const peer = this.connected(callId).bridgedPeer;
    if (peer?.agentId === undefined) {
      throw new SwitchboardError('conflict', 'The call is not connected to an agent');
    }
    return { leg: peer.leg, agentId: peer.agentId };
  }

  private recordingOf(callId: string) {
    const recording = this.connected(callId).recording;
    if (recording === undefined)
      throw new SwitchboardError('conflict', 'The call is not being recorded');
    return recording;
  }

  /** Warm transfer: see `Consultations` (media/transfer/consultations.ts). */
  async consult(request: {
    readonly callId: string;
    readonly requestedBy: string;
    readonly target: Exclude<LiveTransferTarget, { readonly kind: 'queue' }>;
  }): Promise<ConsultationStep> {
    const session = this.live(request.callId);
    return this.consultationsHere().start(session, request.target, request.requestedBy);
  }

  async completeConsultation(request: {
    readonly callId: string;
    readonly requestedBy: string;
  }): Promise<ConsultationStep> {
    this.live(request.callId);
    return this.consultationsHere().complete(request.callId);
  }

  async cancelConsultation(request: {
    readonly callId: string;
    readonly requestedBy: string;
  }): Promise<ConsultationStep> {
    this.live(request.callId);
    return this.consultationsHere().cancel(request.callId);
  }

  private consultationsHere(): Consultations {
    if (this.options.consultations === undefined) {
      throw new SwitchboardError('conflict', 'Consultations are not set up here');
    }
    return this.options.consultations;
  }
}

/** What names an answered leg in its row: the URI rung, its SIP dialog and media channel. */
function answeredDevice(sipUri: string, leg: ConnectedLeg) {
  return { sipUri, sipCallId: leg.dialog.sip.callId, mediaUuid: leg.endpoint.uuid };
}
