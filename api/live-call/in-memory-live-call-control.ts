import { SwitchboardError } from '../../platform/switchboard-error.ts';
import {
  dtmfDigitsPattern,
  type CallControls,
  type LiveCallControl,
  type SupervisionMode,
  type TransferTarget,
} from './live-call-control.ts';

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
  /** Live calls no agent is bridged with (still in the IVR, or in a queue). */
  private readonly withoutAgent = new Set<string>();
  readonly held = new Set<string>();
  readonly muted = new Set<string>();
  /** Every DTMF string sent to a customer, in order. */
  readonly sentDigits: { callId: string; digits: string }[] = [];

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

  private requireLive(callId: string): void {
    if (!this.live.has(callId))
      throw new SwitchboardError('conflict', 'The call is not in progress');
  }
}
