/** How a supervisor joins a live call (FreeSWITCH eavesdrop modes). */
export type SupervisionMode = 'listen' | 'whisper' | 'barge';

export type TransferTarget =
  | { readonly kind: 'number'; readonly number: string }
  | { readonly kind: 'queue'; readonly queueId: string }
  /** An agent (user id): engaged in routing, their registered phones ring. */
  | { readonly kind: 'agent'; readonly agentId: string };

/** Whom a warm (consult) transfer consults first. */
export type ConsultTarget =
  | { readonly kind: 'agent'; readonly agentId: string }
  | { readonly kind: 'number'; readonly number: string };

/**
 * Where a consultation stands: the target's phone is `ringing`, the target
 * and the agent talk (`connected`, the caller on hold with music), the
 * caller was handed to the target (`completed`), or the agent is back with
 * the caller (`cancelled`: by the agent, or the target did not answer or
 * hung up).
 */
export type ConsultationState = 'ringing' | 'connected' | 'completed' | 'cancelled';

/** The agent's hold and mute on a call in progress, as the desktop shows them. */
export interface CallControls {
  /** The customer hears music on hold; agent and customer do not hear each other. */
  readonly held: boolean;
  /** The agent's audio does not reach the customer (the agent still hears them). */
  readonly muted: boolean;
}

/** Keys an agent may send to the customer's side: DTMF's 16 symbols, 1 to 32 of them. */
export const dtmfDigitsPattern = /^[0-9*#A-D]{1,32}$/;

/**
 * What the API asks of the voice layer for calls in progress. Owned here, by
 * its caller; the voice layer (media/ + ivr/, issue 6) implements it over
 * drachtio and FreeSWITCH, and {@link InMemoryLiveCallControl} is the twin
 * used in tests. Both throw `not_found` for a call that is not live and
 * `conflict` when the call cannot do it now (e.g. not bridged yet).
 *
 * @example
 * await control.supervise({ callId, supervisorId, mode: 'whisper' });
 */
export interface LiveCallControl {
  /**
   * Calls the supervisor's registered phone and joins it to the call in
   * `mode`; calling again for the same supervisor and call changes the mode.
   */
  supervise(request: {
    readonly callId: string;
    readonly supervisorId: string;
    /** How the agent's banner names the supervisor ("Monitored by Sam Lee"). */
    readonly supervisorName: string;
    readonly mode: SupervisionMode;
  }): Promise<void>;
  /**
   * Pauses the call's recording (both channels go silent and the span is kept
   * as a masked interval), e.g. while the caller reads out a card number.
   */
  pauseRecording(callId: string): Promise<void>;
  /** Resumes a paused recording. */
  resumeRecording(callId: string): Promise<void>;
  /** Blind-transfers the caller to a number or a queue; the agent's leg ends. */
  transfer(request: {
    readonly callId: string;
    readonly requestedBy: string;
    readonly target: TransferTarget;
  }): Promise<void>;
  /**
   * Puts the customer on hold: they hear music on hold, agent and customer
   * stop hearing each other; the recording keeps running. Holding a held
   * call answers the same. `conflict` when the call is not bridged to an
   * agent. Resolves with the call's controls after the change.
   */
  hold(callId: string): Promise<CallControls>;
  /** Reconnects a held customer with the agent (a call not held answers the same). */
  resume(callId: string): Promise<CallControls>;
  /** The agent's audio stops reaching the customer; the agent still hears them. Idempotent. */
  mute(callId: string): Promise<CallControls>;
  /** Undoes {@link mute}. Idempotent. */
  unmute(callId: string): Promise<CallControls>;
  /**
   * Sends `digits` (checked against {@link dtmfDigitsPattern}) as DTMF to the
   * customer's side, e.g. to work an IVR the agent dialled. `conflict` when
   * the call is not bridged to an agent.
   */
  sendDtmf(callId: string, digits: string): Promise<void>;
  /**
   * Hangs up the agent's leg, as if the agent hung up their phone: the
   * customer's side goes on as it does then (the call ends, or its flow
   * continues). `conflict` when no agent is bridged to the call.
   */
  hangUpAgent(callId: string): Promise<void>;
  /** Hold and mute of the call when it is bridged to an agent here; undefined otherwise. */
  controls(callId: string): Promise<CallControls | undefined>;
  /**
   * Warm transfer, first step: the caller is put on hold hearing music, the
   * target rings and, on answer, talks with the agent only. Resolves with
   * `ringing` at once; each later step is a `consultation.*` live event.
   * `conflict` when a consultation of the call is already under way or the
   * target agent cannot be engaged (details.reason as routing's).
   */
  consult(request: {
    readonly callId: string;
    readonly requestedBy: string;
    readonly target: ConsultTarget;
  }): Promise<ConsultationState>;
  /**
   * Hands the caller to the consulted target; the agent's leg ends (wrap-up).
   * `conflict` unless the target answered.
   */
  completeConsultation(request: {
    readonly callId: string;
    readonly requestedBy: string;
  }): Promise<ConsultationState>;
  /** Ends the target's leg; the agent is back with the caller. `conflict` when none is under way. */
  cancelConsultation(request: {
    readonly callId: string;
    readonly requestedBy: string;
  }): Promise<ConsultationState>;
}
