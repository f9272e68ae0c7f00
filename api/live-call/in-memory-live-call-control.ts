import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { LiveCallControl, SupervisionMode, TransferTarget } from './live-call-control.ts';

/** The in-memory twin of {@link LiveCallControl}: calls are live once `connect` is called. */
export class InMemoryLiveCallControl implements LiveCallControl {
  private readonly live = new Set<string>();
  /** callId -> supervisorId -> mode. */
  readonly supervision = new Map<string, Map<string, SupervisionMode>>();
  /** supervisorId -> the name the agent's banner would show. */
  readonly supervisorNames = new Map<string, string>();
  readonly transfers: { callId: string; requestedBy: string; target: TransferTarget }[] = [];
  /** Calls whose recording is paused now. */
  readonly pausedRecordings = new Set<string>();

  connect(callId: string): void {
    this.live.add(callId);
  }

  hangUp(callId: string): void {
    this.live.delete(callId);
    this.supervision.delete(callId);
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

  transfer(request: {
    callId: string;
    requestedBy: string;
    target: TransferTarget;
  }): Promise<void> {
    this.requireLive(request.callId);
    this.transfers.push(request);
    this.hangUp(request.callId);
    return Promise.resolve();
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

  private requireLive(callId: string): void {
    if (!this.live.has(callId))
      throw new SwitchboardError('conflict', 'The call is not in progress');
  }
}
