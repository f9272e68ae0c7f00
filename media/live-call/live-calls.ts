import type { BridgedPeer, FreeSwitchCallSession } from '../freeswitch/free-switch-call-session.ts';
import type { MediaEndpoint } from '../freeswitch/media-server.ts';
import type { CallRecording } from '../recording/call-recording.ts';

/**
 * What supervision and recording controls need of a call in progress: an
 * inbound call's {@link FreeSwitchCallSession}, or a callback call (agent
 * first, then the customer, bridged; `media/offer/callback-call.ts`).
 */
export interface ConnectedCall {
  readonly callId: string;
  readonly ended: boolean;
  /** The agent (or transfer target) leg bridged with the customer now, if any. */
  readonly bridgedPeer: BridgedPeer | undefined;
  /** The recording of the bridged call, while there is one. */
  readonly recording: CallRecording | undefined;
  /** FreeSWITCH channels this call holds. */
  mediaUuids(): string[];
  /** The customer's channel (the caller, or the number dialled): hold music and DTMF go here. */
  readonly customerEndpoint: MediaEndpoint;
  /** Calls `listener` once when the call ends; returns an unsubscribe function. */
  onHangup(listener: () => void): () => void;
}

/**
 * The calls this process holds now, by call id: what supervision, transfers
 * and recording controls look calls up in. Inbound calls (sessions) can be
 * transferred; callback calls can be supervised and their recording paused.
 * A call leaves when it ends.
 *
 * @example
 * sessionFor: (call) => liveCalls.track(new FreeSwitchCallSession({ ...call, ... }))
 */
export class LiveCalls {
  private readonly sessions = new Map<string, FreeSwitchCallSession>();
  private readonly callbacks = new Map<string, ConnectedCall>();

  track(session: FreeSwitchCallSession): FreeSwitchCallSession {
    this.keep(this.sessions, session);
    return session;
  }

  /** Holds a callback call from the moment agent and customer are bridged. */
  trackCallback(call: ConnectedCall): void {
    this.keep(this.callbacks, call);
  }

  /** The inbound call's session (transfers, REFER). */
  get(callId: string): FreeSwitchCallSession | undefined {
    return this.sessions.get(callId);
  }

  /** Any call in progress, inbound or callback (supervision, recording controls). */
  connected(callId: string): ConnectedCall | undefined {
    return this.sessions.get(callId) ?? this.callbacks.get(callId);
  }

  /** FreeSWITCH channel UUIDs of every live call and the leg bridged to it. */
  mediaUuids(): string[] {
    return [...this.sessions.values(), ...this.callbacks.values()].flatMap((call) =>
      call.mediaUuids(),
    );
  }

  get size(): number {
    return this.sessions.size + this.callbacks.size;
  }

  private keep<T extends ConnectedCall>(calls: Map<string, T>, call: T): void {
    if (call.ended) return;
    calls.set(call.callId, call);
    call.onHangup(() => {
      if (calls.get(call.callId) === call) calls.delete(call.callId);
    });
  }
}
