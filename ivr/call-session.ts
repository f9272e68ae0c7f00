/**
 * The CallSession port: everything an IVR step may do to one live call.
 * Owned here, by the flow runtime that calls it. The FreeSWITCH adapter in
 * `media/` implements it for real calls; {@link SimulatedCallSession} implements
 * it on a simulated clock for tests and `switchboard flows simulate`. Both pass
 * `describeCallSessionContract` in `ivr/call-session-contract.ts`.
 *
 * Every media operation takes an optional `AbortSignal`: the flow runtime aborts
 * it when the flow leaves the state that started the operation, so nothing keeps
 * playing or listening behind the caller's back. An aborted operation rejects
 * with the signal's reason; any operation on a call that has ended rejects with
 * a `SwitchboardError` whose code is `unavailable` and `details.reason` is
 * `'hangup'`.
 *
 * @example
 * await session.answer();
 * const reply = await session.collectDigits({
 *   prompts: [{ kind: 'file', name: 'main-menu', language: 'en' }],
 *   minDigits: 1, maxDigits: 1, firstDigitTimeoutMs: 5000, interDigitTimeoutMs: 3000,
 * });
 */
export interface CallSession {
  /** Unique id of this call; tags every flow event and log line. */
  readonly callId: string;
  /** The caller's number as presented (E.164 when the carrier sends it). */
  readonly callerNumber: string;
  /** The number (DID) the caller dialled. */
  readonly dialedNumber: string;
  /** True once either side has hung up; no media operation will succeed after. */
  readonly ended: boolean;

  /** Answers the call. Idempotent: answering an answered call does nothing. */
  answer(signal?: AbortSignal): Promise<void>;

  /**
   * Plays prompts in order. When `interruptKeys` lists a key the caller presses,
   * playback stops at once and the key stays buffered for the next
   * {@link collectDigits}; other keys pressed meanwhile are buffered too.
   */
  play(prompts: readonly Prompt[], options?: PlayOptions): Promise<PlayResult>;

  /**
   * Plays `prompts` (any key interrupts them), then collects digits. Keys
   * already buffered count first. Ends on `maxDigits`, the finish key, or a
   * timeout; the finish key is not part of `digits`.
   */
  collectDigits(options: CollectDigitsOptions): Promise<CollectDigitsResult>;

  /**
   * Records the caller until the finish key, silence, the length limit or
   * hang-up. A caller hanging up ends the recording without an error (it
   * resolves with `endedBy: 'hangup'`): a message left before hanging up is
   * still a message. Aborting the signal discards it and rejects.
   */
  record(options: RecordOptions): Promise<RecordingResult>;

  /**
   * Connects the caller to an agent who accepted the call; resolves when the
   * agent leg ends (the caller may still be on the line) or fails to connect.
   */
  bridge(target: BridgeTarget, signal?: AbortSignal): Promise<BridgeResult>;

  /**
   * Dials `destination` (E.164 number or `sip:` URI) and connects the caller
   * when it answers within `timeoutMs`. Resolves with how the attempt ended.
   */
  transfer(
    destination: string,
    options: { readonly timeoutMs: number; readonly signal?: AbortSignal },
  ): Promise<TransferResult>;

  /** Hangs up the call with a cause. Idempotent; never rejects. */
  hangup(cause: HangupCause): Promise<void>;

  /** Calls `listener` for every key the caller presses; returns an unsubscribe function. */
  onDtmf(listener: (digit: string) => void): () => void;

  /**
   * Calls `listener` once when the call ends from either side. Registering on
   * an ended call calls it straight away. Returns an unsubscribe function.
   */
  onHangup(listener: (cause: HangupCause) => void): () => void;
}

/** Something the caller hears. Files are named, never paths: the media side resolves them. */
export type Prompt =
  /** A recorded prompt, `flows/prompts/<language>/<name>.wav`. */
  | { readonly kind: 'file'; readonly name: string; readonly language: string }
  /** Text spoken by the text-to-speech engine in `language` (`en`, `zh`, ...). */
  | { readonly kind: 'tts'; readonly text: string; readonly language: string }
  /** Music on hold for a fixed time; loops if the music is shorter. */
  | { readonly kind: 'music'; readonly name: string; readonly durationMs: number }
  /** Silence, to pace concatenated prompts. */
  | { readonly kind: 'silence'; readonly durationMs: number };

export interface PlayOptions {
  /** Keys that stop playback, e.g. `'0123456789*#'`; empty means not interruptible. */
  readonly interruptKeys?: string;
  readonly signal?: AbortSignal;
}

export interface PlayResult {
  /** The key that stopped playback, when one did. */
  readonly interruptedBy?: string;
}

export interface CollectDigitsOptions {
  /** Played first; any key interrupts them. */
  readonly prompts?: readonly Prompt[];
  readonly minDigits: number;
  readonly maxDigits: number;
  /** Key that ends entry early, usually `'#'`; not included in the digits. */
  readonly finishKey?: string;
  /** How long to wait for the first key once the prompts have finished. */
  readonly firstDigitTimeoutMs: number;
  /** How long to wait between keys. */
  readonly interDigitTimeoutMs: number;
  /** Music the caller hears while the session waits for the first key (e.g. in a queue). */
  readonly holdMusic?: string;
  readonly signal?: AbortSignal;
}

export interface CollectDigitsResult {
  /** The keys pressed, without the finish key; may be shorter than `minDigits`. */
  readonly digits: string;
  /** Why collection ended. `timeout` with no digits means no input. */
  readonly endedBy: 'maxDigits' | 'finishKey' | 'timeout';
}

export interface RecordOptions {
  /** Play a beep before recording starts. */
  readonly beep: boolean;
  readonly maxLengthMs: number;
  /** Stop after this much continuous silence. */
  readonly silenceTimeoutMs: number;
  /** Key that stops recording, usually `'#'`. */
  readonly finishKey?: string;
  readonly signal?: AbortSignal;
}

export interface RecordingResult {
  /** Where the media side stored the audio (path or URI); opaque to flows. */
  readonly recordingUri: string;
  readonly durationMs: number;
  readonly endedBy: 'finishKey' | 'silence' | 'maxLength' | 'hangup';
}

export type BridgeTarget = { readonly kind: 'agent'; readonly agentId: string };

export interface BridgeResult {
  readonly outcome: 'completed' | 'failed';
  readonly durationMs: number;
}

export type TransferResult = { readonly outcome: 'answered' | 'busy' | 'noAnswer' | 'failed' };

/** Why a call ended, in the vocabulary of call records (mapped to SIP causes at the edge). */
export type HangupCause =
  | 'normal'
  | 'callerHungUp'
  | 'busy'
  | 'rejected'
  | 'noAnswer'
  | 'maxDurationReached'
  | 'flowError'
  | 'transferred'
  /** The connection to drachtio-server was lost, and the call's SIP dialog with it. */
  | 'signallingLost'
  /** The connection to FreeSWITCH was lost, and the call's media with it. */
  | 'mediaServerLost';
