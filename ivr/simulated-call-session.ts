import { SwitchboardError } from '../platform/switchboard-error.ts';
import type { CallClock } from './call-clock.ts';
import type {
  BridgeResult,
  BridgeTarget,
  CallSession,
  CollectDigitsOptions,
  CollectDigitsResult,
  HangupCause,
  PlayOptions,
  PlayResult,
  Prompt,
  RecordOptions,
  RecordingResult,
  TransferResult,
} from './call-session.ts';
import type { TranscriptEntry } from './call-transcript.ts';
import type { ScriptedCaller } from './scripted-caller.ts';

/** How a simulated transfer attempt goes. */
export interface SimulatedTransfer {
  readonly outcome: TransferResult['outcome'];
  /** When the far end answers, rejects or gives up; capped by the transfer timeout. */
  readonly afterMs: number;
}

export interface SimulatedCallSessionOptions {
  readonly callId: string;
  readonly callerNumber: string;
  readonly dialedNumber: string;
  readonly clock: CallClock;
  readonly caller?: ScriptedCaller;
  /** How long each prompt plays; defaults to a speaking-rate estimate. */
  readonly promptDurationMs?: (prompt: Prompt) => number;
  /** How long a bridged agent talks before hanging up; default 2 minutes. */
  readonly agentTalkMs?: number;
  /** How a transfer to `destination` goes; default: answered after 5 s. */
  readonly transfer?: (destination: string) => SimulatedTransfer;
  /** Sees every transcript entry as it happens, e.g. to interleave it with flow events. */
  readonly onTranscript?: (entry: TranscriptEntry) => void;
}

type Wake = 'key' | 'timeout';

interface Waiter {
  onKey(): void;
  onEnd(): void;
}

const allKeys = '0123456789*#';

/**
 * A call that exists only in memory, on a {@link CallClock} that the test or
 * simulator moves. A {@link ScriptedCaller} presses keys and hangs up; every
 * prompt, key and media operation lands in {@link transcript}. Media
 * operations take the time they would on a real call (prompt lengths, timeouts,
 * talk time), measured on the clock.
 *
 * @example
 * const clock = new SimulatedCallClock();
 * const session = new SimulatedCallSession({ callId: 'c1', callerNumber: '+15550001111',
 *   dialedNumber: '+15550002222', clock, caller: { answers: ['2'] } });
 */
export class SimulatedCallSession implements CallSession {
  readonly callId: string;
  readonly callerNumber: string;
  readonly dialedNumber: string;
  private readonly entries: TranscriptEntry[] = [];
  private readonly clock: CallClock;
  private readonly startedAt: number;
  private readonly caller: ScriptedCaller;
  private readonly answers: string[];
  private readonly buffer: string[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly dtmfListeners = new Set<(digit: string) => void>();
  private readonly hangupListeners = new Set<(cause: HangupCause) => void>();
  private readonly scriptTimers = new Set<unknown>();
  private endCause: HangupCause | undefined;
  private isAnswered = false;
  private recordings = 0;

  constructor(private readonly options: SimulatedCallSessionOptions) {
    this.callId = options.callId;
    this.callerNumber = options.callerNumber;
    this.dialedNumber = options.dialedNumber;
    this.clock = options.clock;
    this.startedAt = options.clock.now();
    this.caller = options.caller ?? {};
    this.answers = [...(this.caller.answers ?? [])];
    for (const step of this.caller.timedKeys ?? []) {
      this.schedule(step.atMs, () => this.pressKeysPaced(step.keys, 0));
    }
    if (this.caller.hangupAtMs !== undefined) {
      this.schedule(this.caller.hangupAtMs, () => this.callerHangsUp());
    }
  }

  /** Everything the caller heard and did, in order. */
  get transcript(): readonly TranscriptEntry[] {
    return this.entries;
  }

  get ended(): boolean {
    return this.endCause !== undefined;
  }

  /** Why the call ended, once it has. */
  get hangupCause(): HangupCause | undefined {
    return this.endCause;
  }

  get answered(): boolean {
    return this.isAnswered;
  }

  /** The caller presses keys now, one after another with no pause. */
  press(keys: string): void {
    for (const digit of keys) this.deliver(digit);
  }

  /** The caller hangs up now. */
  callerHangsUp(): void {
    this.end('callerHungUp', 'caller');
  }

  answer(signal?: AbortSignal): Promise<void> {
    this.assertUsable(signal);
    if (!this.isAnswered) {
      this.isAnswered = true;
      this.log({ kind: 'answered' });
    }
    return Promise.resolve();
  }

  async play(prompts: readonly Prompt[], options: PlayOptions = {}): Promise<PlayResult> {
    this.assertUsable(options.signal);
    const interruptKeys = options.interruptKeys ?? '';
    for (const prompt of prompts) {
      const interrupted = this.bufferedKeyIn(interruptKeys);
      if (interrupted !== undefined) return this.interrupted(interrupted);
      this.log({ kind: 'heard', prompt });
      const endsAt = this.clock.now() + this.durationOf(prompt);
      for (;;) {
        const wake = await this.wait(endsAt - this.clock.now(), options.signal);
        if (wake === 'timeout') break;
        const key = this.bufferedKeyIn(interruptKeys);
        if (key !== undefined) return this.interrupted(key);
      }
    }
    return {};
  }

  async collectDigits(options: CollectDigitsOptions): Promise<CollectDigitsResult> {
    this.assertUsable(options.signal);
    if (options.prompts !== undefined && options.prompts.length > 0) {
      await this.play(options.prompts, { interruptKeys: allKeys, signal: options.signal });
    }
    this.answerWhenAsked();
    let digits = '';
    let musicStarted = false;
    for (;;) {
      while (this.buffer.length > 0) {
        const digit = this.buffer.shift() as string;
        if (options.finishKey !== undefined && digit === options.finishKey) {
          return { digits, endedBy: 'finishKey' };
        }
        digits += digit;
        if (digits.length >= options.maxDigits) return { digits, endedBy: 'maxDigits' };
      }
      if (digits === '' && options.holdMusic !== undefined && !musicStarted) {
        musicStarted = true;
        this.log({ kind: 'holdMusic', name: options.holdMusic });
      }
      const timeout = digits === '' ? options.firstDigitTimeoutMs : options.interDigitTimeoutMs;
      const wake = await this.wait(timeout, options.signal);
      if (wake === 'timeout') return { digits, endedBy: 'timeout' };
    }
  }

  async record(options: RecordOptions): Promise<RecordingResult> {
    this.assertUsable(options.signal);
    if (options.beep) this.log({ kind: 'beep' });
    const started = this.clock.now();
    const speechMs = this.caller.speechMs ?? 8000;
    const silenceEndsAt = started + speechMs + options.silenceTimeoutMs;
    const limitEndsAt = started + options.maxLengthMs;
    this.recordings += 1;
    const recordingUri = `sim://recordings/${this.callId}-${this.recordings}.wav`;
    const finish = (endedBy: RecordingResult['endedBy']): RecordingResult => {
      const result = { recordingUri, durationMs: this.clock.now() - started, endedBy };
      this.log({ kind: 'recorded', ...result });
      return result;
    };
    for (;;) {
      const endsAt = Math.min(silenceEndsAt, limitEndsAt);
      let wake: Wake;
      try {
        wake = await this.wait(endsAt - this.clock.now(), options.signal);
      } catch (error) {
        // A caller who hangs up after leaving a message has left a message.
        if (this.endCause !== undefined && !options.signal?.aborted) return finish('hangup');
        throw error;
      }
      if (wake === 'timeout') return finish(silenceEndsAt <= limitEndsAt ? 'silence' : 'maxLength');
      const digit = this.buffer.shift();
      if (digit !== undefined && digit === options.finishKey) return finish('finishKey');
    }
  }

  async bridge(target: BridgeTarget, signal?: AbortSignal): Promise<BridgeResult> {
    this.assertUsable(signal);
    this.log({ kind: 'bridged', agentId: target.agentId });
    const talkMs = this.options.agentTalkMs ?? 120_000;
    await this.waitIgnoringKeys(talkMs, signal);
    this.log({ kind: 'bridgeEnded', agentId: target.agentId, durationMs: talkMs });
    return { outcome: 'completed', durationMs: talkMs };
  }

  async transfer(
    destination: string,
    options: { readonly timeoutMs: number; readonly signal?: AbortSignal },
  ): Promise<TransferResult> {
    this.assertUsable(options.signal);
    this.log({ kind: 'transferring', destination });
    const planned = this.options.transfer?.(destination) ?? { outcome: 'answered', afterMs: 5000 };
    const timedOut = planned.afterMs > options.timeoutMs;
    await this.waitIgnoringKeys(timedOut ? options.timeoutMs : planned.afterMs, options.signal);
    const outcome = timedOut ? 'noAnswer' : planned.outcome;
    this.log({ kind: 'transferEnded', destination, outcome });
    // Once the far end answers, the caller is theirs: this session no longer controls the call.
    if (outcome === 'answered') this.end('transferred', 'system');
    return { outcome };
  }

  hangup(cause: HangupCause): Promise<void> {
    this.end(cause, 'system');
    return Promise.resolve();
  }

  onDtmf(listener: (digit: string) => void): () => void {
    this.dtmfListeners.add(listener);
    return () => this.dtmfListeners.delete(listener);
  }

  onHangup(listener: (cause: HangupCause) => void): () => void {
    if (this.endCause !== undefined) {
      listener(this.endCause);
      return () => undefined;
    }
    this.hangupListeners.add(listener);
    return () => this.hangupListeners.delete(listener);
  }

  private end(cause: HangupCause, by: 'caller' | 'system'): void {
    if (this.endCause !== undefined) return;
    this.endCause = cause;
    this.log({ kind: 'hungUp', by, cause });
    for (const timer of this.scriptTimers) this.clock.clearTimeout(timer);
    this.scriptTimers.clear();
    for (const waiter of [...this.waiters]) waiter.onEnd();
    for (const listener of [...this.hangupListeners]) listener(cause);
    this.hangupListeners.clear();
    this.dtmfListeners.clear();
  }

  private deliver(digit: string): void {
    if (this.endCause !== undefined) return;
    this.log({ kind: 'pressed', digit });
    this.buffer.push(digit);
    for (const listener of [...this.dtmfListeners]) listener(digit);
    for (const waiter of [...this.waiters]) waiter.onKey();
  }

  /** Types the next scripted answer, as a person would after hearing the question. */
  private answerWhenAsked(): void {
    if (this.buffer.length > 0) return;
    const keys = this.answers.shift();
    if (keys === undefined || keys === '') return;
    this.pressKeysPaced(keys, this.caller.firstKeyDelayMs ?? 1000);
  }

  private pressKeysPaced(keys: string, firstDelayMs: number): void {
    const gap = this.caller.interKeyDelayMs ?? 300;
    [...keys].forEach((digit, index) => {
      this.schedule(this.clock.now() - this.startedAt + firstDelayMs + index * gap, () =>
        this.deliver(digit),
      );
    });
  }

  /** Runs `action` at `atMs` from the start of the call, unless the call has ended by then. */
  private schedule(atMs: number, action: () => void): void {
    const delay = Math.max(0, this.startedAt + atMs - this.clock.now());
    const handle = this.clock.setTimeout(() => {
      this.scriptTimers.delete(handle);
      action();
    }, delay);
    this.scriptTimers.add(handle);
  }

  /**
   * Waits until a key arrives or `timeoutMs` passes. Rejects when the call
   * ends or `signal` aborts; every timer and listener is removed either way.
   */
  private wait(timeoutMs: number, signal?: AbortSignal): Promise<Wake> {
    return new Promise<Wake>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason as Error);
        return;
      }
      if (this.endCause !== undefined) {
        reject(callEnded());
        return;
      }
      const cleanup = () => {
        this.clock.clearTimeout(timer);
        this.waiters.delete(waiter);
        signal?.removeEventListener('abort', onAbort);
      };
      const settle = (action: () => void) => {
        cleanup();
        action();
      };
      const onAbort = () => settle(() => reject(signal?.reason as Error));
      const waiter: Waiter = {
        onKey: () => settle(() => resolve('key')),
        onEnd: () => settle(() => reject(callEnded())),
      };
      const timer = this.clock.setTimeout(
        () => settle(() => resolve('timeout')),
        Math.max(0, timeoutMs),
      );
      this.waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Waits out `ms` of talk or ringing; keys pressed meanwhile are buffered, not acted on. */
  private async waitIgnoringKeys(ms: number, signal?: AbortSignal): Promise<void> {
    const endsAt = this.clock.now() + ms;
    while ((await this.wait(endsAt - this.clock.now(), signal)) === 'key') {
      this.buffer.length = 0;
    }
  }

  private bufferedKeyIn(keys: string): string | undefined {
    return this.buffer.find((digit) => keys.includes(digit));
  }

  private interrupted(digit: string): PlayResult {
    this.log({ kind: 'promptInterrupted', digit });
    return { interruptedBy: digit };
  }

  private durationOf(prompt: Prompt): number {
    if (this.options.promptDurationMs !== undefined) return this.options.promptDurationMs(prompt);
    return estimatedPromptMs(prompt);
  }

  private assertUsable(signal?: AbortSignal): void {
    if (signal?.aborted) throw signal.reason as Error;
    if (this.endCause !== undefined) throw callEnded();
  }

  private log(entry: DistributiveOmit<TranscriptEntry, 'atMs'>): void {
    const stamped: TranscriptEntry = { atMs: this.clock.now() - this.startedAt, ...entry };
    this.entries.push(stamped);
    this.options.onTranscript?.(stamped);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The error every operation on an ended call rejects with. */
export function callEnded(): SwitchboardError {
  return new SwitchboardError('unavailable', 'the call has ended', { reason: 'hangup' });
}

/**
 * A speaking-rate guess for prompts with no audio to measure: about 2.5 words
 * (or 4 Chinese characters) a second, plus a short pause.
 */
export function estimatedPromptMs(prompt: Prompt): number {
  switch (prompt.kind) {
    case 'music':
    case 'silence':
      return prompt.durationMs;
    case 'file':
      return 2000;
    case 'tts': {
      const cjk = prompt.text.match(/[\u3400-\u9fff]/g)?.length ?? 0;
      const words = prompt.text.split(/\s+/).filter((word) => word !== '').length;
      return Math.round(500 + (cjk > 0 ? cjk * 250 : words * 400));
    }
  }
}
