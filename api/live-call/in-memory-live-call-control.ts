import { SwitchboardError } from '../../platform/switchboard-error.ts';
import { releaseQuietly, type AgentEngagements } from '../agent-desk/agent-engagements.ts';
import type {
  ConsultationState,
  ConsultTarget,
  LiveCallControl,
  SupervisionMode,
  TransferTarget,
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
  /** The consultation of each call (the last one, whatever its state). */
  readonly consultations = new Map<string, { target: ConsultTarget; state: ConsultationState }>();
  /** Agents engaged on each call by a transfer or consultation here. */
  private readonly engaged = new Map<string, Set<string>>();

  constructor(private readonly engagements?: AgentEngagements) {}

  connect(callId: string): void {
    this.live.add(callId);
  }

  hangUp(callId: string): void {
    this.live.delete(callId);
    this.supervision.delete(callId);
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
