import type { CallClock } from '../../ivr/call-clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { FreeSwitchCallSession } from '../freeswitch/free-switch-call-session.ts';
import { Consultation, type ConsultationStep } from './consultation.ts';
import type { ConsultationNotice } from './consultation-notice.ts';
import type { TransferTargetCall, TransferTargetSpec } from './transfer-target-call.ts';

export interface ConsultationsOptions {
  readonly targets: Pick<TransferTargetCall, 'reserve'>;
  readonly notice: ConsultationNotice;
  /** Music the caller hears on hold. Default `default`. */
  readonly holdMusic?: string;
  readonly clock: CallClock;
  readonly logger: Logger;
}

/**
 * The warm transfers in progress, one per call at most (`conflict` for a
 * second while one rings or is connected).
 *
 * @example
 * await consultations.start(session, { kind: 'agent', agentId: 'sam' }, 'alice');
 * await consultations.complete(session.callId);
 */
export class Consultations {
  private readonly byCall = new Map<string, Consultation>();

  constructor(private readonly options: ConsultationsOptions) {}

  async start(
    session: FreeSwitchCallSession,
    target: TransferTargetSpec,
    requestedBy: string,
  ): Promise<ConsultationStep> {
    const peer = session.bridgedPeer;
    if (peer === undefined) throw new SwitchboardError('conflict', 'The call is not connected');
    if (this.active(session.callId) !== undefined) {
      throw new SwitchboardError('conflict', 'A consultation of this call is already under way');
    }
    if (target.kind === 'agent' && target.agentId === peer.agentId) {
      throw new SwitchboardError('conflict', 'The agent cannot consult themselves');
    }
    const reserved = await this.options.targets.reserve(
      session.callId,
      target,
      'consult',
      session.callerNumber,
    );
    // Checked again: another request may have begun one while routing answered.
    if (this.active(session.callId) !== undefined || peer.leg.ended || session.ended) {
      await reserved.release();
      throw new SwitchboardError('conflict', 'A consultation of this call is already under way');
    }
    const consultation = new Consultation({
      session,
      agentLeg: peer.leg,
      agentId: peer.agentId ?? requestedBy,
      target,
      reserved,
      holdMusic: this.options.holdMusic ?? 'default',
      notice: this.options.notice,
      clock: this.options.clock,
      logger: this.options.logger.child({ callId: session.callId }),
    });
    this.byCall.set(session.callId, consultation);
    session.onHangup(() => {
      if (this.byCall.get(session.callId) === consultation) this.byCall.delete(session.callId);
    });
    await consultation.begin();
    return consultation.step;
  }

  async complete(callId: string): Promise<ConsultationStep> {
    const consultation = this.require(callId);
    await consultation.complete();
    return consultation.step;
  }

  async cancel(callId: string): Promise<ConsultationStep> {
    const consultation = this.require(callId);
    await consultation.cancel();
    return consultation.step;
  }

  /** Settles once every ring under way is over (tests, drain). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.byCall.values()].map((c) => c.settled()));
  }

  private active(callId: string): Consultation | undefined {
    const consultation = this.byCall.get(callId);
    return consultation?.step === 'ringing' || consultation?.step === 'connected'
      ? consultation
      : undefined;
  }

  private require(callId: string): Consultation {
    const consultation = this.active(callId);
    if (consultation === undefined) {
      throw new SwitchboardError('conflict', 'No consultation of this call is under way');
    }
    return consultation;
  }
}
