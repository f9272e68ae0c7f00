import { SwitchboardError } from '../../platform/switchboard-error.ts';
import { releaseQuietly, type AgentEngagements } from '../agent-desk/agent-engagements.ts';
import {
  dtmfDigitsPattern,
  type CallControls,
  type ConsultationState,
  type ConsultTarget,
  type LiveCallControl,
  type SupervisionMode,
  type TransferTarget,
} from './live-call-control.ts';

/**
 * The in-memory twin of {@link LiveCallControl}: calls are live once `connect` is called.
 * With `engagements` (routing's desk) an agent a call is transferred to, or
 * consulted, is engaged in routing as the voice layer does, and released
 * when the call hangs up or the consultation is cancelled.
 */
export class InMemoryLiveCallControl implements LiveCallControl {
  private readonly live = new Set<string>();
  /** callId -> supervisorId -> mode. */
  readonly supervision = new Map<string, Map<string, SupervisionMode>>();
  /** supervisorId -> the name the agent's banner would show. */
  readonly supervisorNames = new Map<string, string>();
  readonly transfers: { callId: string; requestedBy: string; target: TransferTarget }[] = [];
  /** Calls whose recording is paused now. */
  readonly pausedRecordings = new Set<string>();
  /** Live calls no agent is bridged with (still in the IVR, or in a queue). */
  private readonly withoutAgent = new Set<string>();
  readonly held = new Set<string>();
  readonly muted = new Set<string>();
  /** Every DTMF string sent to a customer, in order. */
  readonly sentDigits: { callId: string; digits: string }[] = [];
  /** The consultation of each call (the last one, whatever its state). */
  readonly consultations = new Map<string, { target: ConsultTarget; state: ConsultationState }>();
  /** Agents engaged on each call by a transfer or consultation here. */
  private readonly engaged = new Map<string, Set<string>>();

  constructor(private readonly engagements?: AgentEngagements) {}

  /** The call is live; bridged with an agent unless `withAgent` is false. */
  connect(callId: string, options: { readonly withAgent?: boolean } = {}): void {
    this.live.add(callId);
    this.withoutAgent.delete(callId);
    if (options.withAgent !== false) return;
    // No agent: nobody to hold the customer for, nothing to mute.
    this.withoutAgent.add(callId);
    this.held.delete(callId);
    this.muted.delete(callId);
  }

  hangUp(callId: string): void {
    this.live.delete(callId);
    this.supervision.delete(callId);
    this.withoutAgent.delete(callId);
    this.held.delete(callId);
    this.muted.delete(callId);
    for (const agentId of this.engaged.get(callId) ?? []) this.release(callId, agentId);
    this.engaged.delete(callId);
  }

  supervise(request: {
    callId: string;
    supervisorId: string;
    supervisorName: string;
    mode: SupervisionMode;
  }): Promise<void> {
    this.requireLive(request.callId);
    this.supervisorNames.set(request.supervisorId, request.supervisorName);
    const joined = this.supervision.get(request.callId) ?? new Map<string, SupervisionMode>();
    joined.set(request.supervisorId, request.mode);
    this.supervision.set(request.callId, joined);
    return Promise.resolve();
  }

  async transfer(request: {
    callId: string;
    requestedBy: string;
    target: TransferTarget;
  }): Promise<void> {
    this.requireLive(request.callId);
    if (request.target.kind === 'agent') {
      // The caller now talks to the target agent: the call stays live here.
      await this.engage(request.callId, request.target.agentId, 'transfer');
      this.transfers.push(request);
      return;
    }
    this.transfers.push(request);
    this.hangUp(request.callId);
  }

  pauseRecording(callId: string): Promise<void> {
    this.requireLive(callId);
    this.pausedRecordings.add(callId);
    return Promise.resolve();
  }

  resumeRecording(callId: string): Promise<void> {
    this.requireLive(callId);
    this.pausedRecordings.delete(callId);
    return Promise.resolve();
  }

  hold(callId: string): Promise<CallControls> {
    return this.change(callId, this.held, true);
  }

  resume(callId: string): Promise<CallControls> {
    return this.change(callId, this.held, false);
  }

  mute(callId: string): Promise<CallControls> {
    return this.change(callId, this.muted, true);
  }

  unmute(callId: string): Promise<CallControls> {
    return this.change(callId, this.muted, false);
  }

  // async: a refusal is a rejected promise, as from the voice layer.
  async sendDtmf(callId: string, digits: string): Promise<void> {
    await Promise.resolve();
    if (!dtmfDigitsPattern.test(digits)) {
      throw new SwitchboardError('validation_failed', 'DTMF digits are 1-32 of 0-9 * # A-D');
    }
    this.requireAgent(callId);
    this.sentDigits.push({ callId, digits });
  }

  /** Calls whose agent leg was hung up from the desktop, in order. */
  readonly agentHangUps: string[] = [];

  async hangUpAgent(callId: string): Promise<void> {
    await Promise.resolve();
    this.requireAgent(callId);
    this.agentHangUps.push(callId);
    // The agent's leg goes; with nobody else on it the call ends, as in the voice layer.
    this.hangUp(callId);
  }

  controls(callId: string): Promise<CallControls | undefined> {
    return Promise.resolve(
      this.live.has(callId) && !this.withoutAgent.has(callId) ? this.controlsOf(callId) : undefined,
    );
  }

  private async change(callId: string, set: Set<string>, on: boolean): Promise<CallControls> {
    await Promise.resolve();
    this.requireAgent(callId);
    if (on) set.add(callId);
    else set.delete(callId);
    return this.controlsOf(callId);
  }

  private controlsOf(callId: string): CallControls {
    return { held: this.held.has(callId), muted: this.muted.has(callId) };
  }

  private requireAgent(callId: string): void {
    this.requireLive(callId);
    if (this.withoutAgent.has(callId))
      throw new SwitchboardError('conflict', 'The call is not connected to an agent');
  }

  async consult(request: {
    callId: string;
    requestedBy: string;
    target: ConsultTarget;
  }): Promise<ConsultationState> {
    this.requireLive(request.callId);
    const current = this.consultations.get(request.callId);
    if (current?.state === 'ringing' || current?.state === 'connected') {
      throw new SwitchboardError('conflict', 'A consultation of this call is already under way');
    }
    if (request.target.kind === 'agent') {
      await this.engage(request.callId, request.target.agentId, 'consult');
    }
    this.consultations.set(request.callId, { target: request.target, state: 'ringing' });
    return 'ringing';
  }

  /** The consulted target answers, as their phone would. */
  answerConsultation(callId: string): void {
    const consultation = this.consultations.get(callId);
    if (consultation?.state === 'ringing') consultation.state = 'connected';
  }

  completeConsultation(request: {
    callId: string;
    requestedBy: string;
  }): Promise<ConsultationState> {
    this.requireLive(request.callId);
    const consultation = this.consultations.get(request.callId);
    if (consultation?.state !== 'connected') {
      throw new SwitchboardError('conflict', 'The consulted party has not answered');
    }
    consultation.state = 'completed';
    this.transfers.push({ ...request, target: consultation.target });
    return Promise.resolve('completed');
  }

  cancelConsultation(request: { callId: string; requestedBy: string }): Promise<ConsultationState> {
    this.requireLive(request.callId);
    const consultation = this.consultations.get(request.callId);
    if (consultation?.state !== 'ringing' && consultation?.state !== 'connected') {
      throw new SwitchboardError('conflict', 'No consultation of this call is under way');
    }
    consultation.state = 'cancelled';
    if (consultation.target.kind === 'agent') {
      this.engaged.get(request.callId)?.delete(consultation.target.agentId);
      this.release(request.callId, consultation.target.agentId);
    }
    return Promise.resolve('cancelled');
  }

  private async engage(callId: string, agentId: string, kind: 'transfer' | 'consult') {
    await this.engagements?.engage(agentId, callId, kind);
    const agents = this.engaged.get(callId) ?? new Set<string>();
    agents.add(agentId);
    this.engaged.set(callId, agents);
  }

  private release(callId: string, agentId: string): void {
    void releaseQuietly(this.engagements, agentId, callId, { debug: () => undefined });
  }

  private requireLive(callId: string): void {
    if (!this.live.has(callId))
      throw new SwitchboardError('conflict', 'The call is not in progress');
  }
}
