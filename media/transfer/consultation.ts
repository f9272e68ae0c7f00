import type { CallClock } from '../../ivr/call-clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { ConnectedLeg } from '../freeswitch/connected-leg.ts';
import type { FreeSwitchCallSession } from '../freeswitch/free-switch-call-session.ts';
import type { ConsultationChange, ConsultationNotice } from './consultation-notice.ts';
import type { ReservedTarget, TransferTargetSpec } from './transfer-target-call.ts';

export type ConsultationStep = 'ringing' | 'connected' | 'completed' | 'cancelled';

export interface ConsultationOptions {
  readonly session: FreeSwitchCallSession;
  /** The leg of the agent consulting (the caller's bridged peer when it began). */
  readonly agentLeg: ConnectedLeg;
  readonly agentId: string;
  readonly target: TransferTargetSpec;
  readonly reserved: ReservedTarget;
  readonly holdMusic: string;
  readonly notice: ConsultationNotice;
  readonly clock: CallClock;
  readonly logger: Logger;
}

/**
 * One warm transfer in progress. {@link begin} parks the caller and the
 * agent (out of their bridge, as a queue transfer does), plays the caller
 * music on hold and rings the target; on answer the agent is bridged with the
 * target alone. {@link complete} bridges the caller with the target and
 * hangs the agent's leg up (the session's `handOver`: wrap-up follows);
 * {@link cancel}, no answer or the target hanging up ends the target's leg
 * and bridges the agent back with the caller. The caller hanging up ends it.
 */
export class Consultation {
  private current: ConsultationStep = 'ringing';
  private targetLeg: ConnectedLeg | undefined;
  private music: { stop(): Promise<void> } | undefined;
  private readonly ringing = new AbortController();
  private readonly callerUuid: string;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly options: ConsultationOptions) {
    // The caller's FreeSWITCH channel comes first (FreeSwitchCallSession.mediaUuids).
    this.callerUuid = options.session.mediaUuids()[0] ?? '';
  }

  get step(): ConsultationStep {
    return this.current;
  }

  /** Settles once the ring is over (tests, drain). */
  settled(): Promise<void> {
    return this.running;
  }

  async begin(): Promise<void> {
    const { session, agentLeg } = this.options;
    await agentLeg.endpoint
      .api('uuid_transfer', [this.callerUuid, '-both', 'park', 'inline'])
      .catch((error: unknown) => this.options.logger.warn({ err: error }, 'could not park'));
    this.music = session.startHoldMusic(this.options.holdMusic);
    const unwatch = session.onHangup(() => void this.back('call-ended'));
    agentLeg.onEnded(() => void this.back('call-ended'));
    void this.tell('consultation.ringing');
    this.running = this.ring().finally(unwatch);
  }

  async complete(): Promise<void> {
    const leg = this.targetLeg;
    if (this.current !== 'connected' || leg === undefined) {
      throw new SwitchboardError('conflict', 'The consulted party has not answered yet');
    }
    this.current = 'completed';
    await this.music?.stop();
    const agentId = this.options.target.kind === 'agent' ? this.options.target.agentId : undefined;
    await this.options.session.handOver(leg, agentId);
    await this.tell('consultation.completed');
  }

  async cancel(): Promise<void> {
    if (this.current !== 'ringing' && this.current !== 'connected') {
      throw new SwitchboardError('conflict', 'No consultation of this call is under way');
    }
    await this.back('agent');
  }

  private async ring(): Promise<void> {
    const leg = await this.options.reserved.ring(this.ringing.signal);
    if (this.current !== 'ringing') {
      await leg?.hangup();
      return;
    }
    if (leg === undefined) {
      await this.back('no-answer');
      return;
    }
    this.targetLeg = leg;
    try {
      await this.options.agentLeg.endpoint.bridge(leg.endpoint);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not bridge the agent with the target');
      await this.back('no-answer');
      return;
    }
    this.current = 'connected';
    leg.onEnded(() => {
      if (this.current === 'connected') void this.back('target-hung-up');
    });
    await this.tell('consultation.connected');
  }

  /** Ends the target's side and puts the agent back with the caller. Never rejects. */
  private async back(reason: string): Promise<void> {
    if (this.current !== 'ringing' && this.current !== 'connected') return;
    this.current = 'cancelled';
    this.ringing.abort(new Error(reason));
    await this.targetLeg?.hangup();
    await this.music?.stop();
    const { session, agentLeg } = this.options;
    if (!session.ended && !agentLeg.ended) {
      await agentLeg.endpoint.bridge(this.callerUuid).catch((error: unknown) => {
        this.options.logger.warn({ err: error }, 'could not bridge the agent back to the caller');
      });
    }
    await this.tell('consultation.cancelled', reason);
  }

  private tell(type: ConsultationChange['type'], reason?: string): Promise<void> {
    const { target } = this.options;
    return this.options.notice.tell({
      type,
      callId: this.options.session.callId,
      agentId: this.options.agentId,
      targetKind: target.kind,
      ...(target.kind === 'agent' ? { targetAgentId: target.agentId } : { number: target.number }),
      ...(reason === undefined ? {} : { reason }),
      at: this.options.clock.now(),
    });
  }
}
