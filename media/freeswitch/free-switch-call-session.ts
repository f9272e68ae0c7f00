import type { CallClock } from '../../ivr/call-clock.ts';
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
} from '../../ivr/call-session.ts';
import type { Logger } from '../../platform/logger.ts';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { BridgeRecorder, CallRecording } from '../recording/call-recording.ts';
import type { ConnectedLeg, LegEnd } from './connected-leg.ts';
import type { DtmfEvent, MediaEndpoint } from './media-server.ts';
import {
  playbackSourceFor,
  type PlaybackSource,
  type PromptSourceOptions,
} from './prompt-source.ts';

/** Hands over the agent leg an accepted offer set up, for {@link CallSession.bridge}. */
export interface AgentLegs {
  /**
   * The answered leg of `agentId` for `callId`, removed from the broker;
   * undefined when there is none. The broker may wait briefly for a leg
   * about to be parked (`AgentLegBroker`).
   */
  take(
    callId: string,
    agentId: string,
  ): ConnectedLeg | undefined | Promise<ConnectedLeg | undefined>;
}

/** Places outbound legs, for {@link CallSession.transfer}. `media/transfer/outbound-dialer.ts` implements it. */
export interface Dialer {
  dial(
    destination: string,
    options: {
      readonly timeoutMs: number;
      readonly callerNumber: string;
      readonly signal?: AbortSignal;
    },
  ): Promise<DialResult>;
}

export type DialResult =
  | { readonly outcome: 'answered'; readonly leg: ConnectedLeg }
  | { readonly outcome: 'busy' | 'noAnswer' | 'failed' };

export interface FreeSwitchCallSessionOptions {
  readonly callId: string;
  readonly callerNumber: string;
  readonly dialedNumber: string;
  /** The answered caller: SIP dialog plus FreeSWITCH endpoint. */
  readonly caller: ConnectedLeg;
  readonly clock: CallClock;
  readonly logger: Logger;
  readonly prompts: PromptSourceOptions;
  /** Directory on the FreeSWITCH host where caller recordings (voicemail) are written. */
  readonly recordingsDir: string;
  readonly agentLegs: AgentLegs;
  readonly dialer: Dialer;
  /** Records caller and agent once bridged (stereo); absent: calls are not recorded. */
  readonly recorder?: BridgeRecorder;
}

/** Who the caller is connected to now. */
export interface BridgedPeer {
  readonly leg: ConnectedLeg;
  /** Set when the peer is an agent who took the call from a queue. */
  readonly agentId?: string;
}

/**
 * Who a call handed off to a queue reaches next: an agent of `queueId` who
 * accepted, or nobody.
 */
export type HandOffOutcome = { readonly agentId: string; readonly queueId: string } | undefined;

const allKeys = '0123456789*#ABCD';
const beep = 'tone_stream://%(250,0,800)';

interface KeyWaiter {
  onKey(): void;
  onEnd(): void;
}

/**
 * The {@link CallSession} port over a FreeSWITCH endpoint driven by
 * drachtio-fsmrf. Keys arrive as fsmrf `dtmf` events (RFC 2833 or in-band,
 * whichever the endpoint detects) into one buffer, so prompts, digit
 * collection and recording all see the same keys in order. Timeouts run on the
 * {@link CallClock}; prompts are stopped with `uuid_break`, never by
 * FreeSWITCH's own terminators (set to `none`), so which key interrupts is
 * decided here, per operation.
 *
 * @example
 * const session = new FreeSwitchCallSession({ callId, callerNumber, dialedNumber,
 *   caller: connectedLeg(dialog, endpoint), clock: systemCallClock, logger, prompts,
 *   recordingsDir: '/var/lib/freeswitch/recordings', agentLegs, dialer });
 */
export class FreeSwitchCallSession implements CallSession {
  readonly callId: string;
  readonly callerNumber: string;
  readonly dialedNumber: string;
  private readonly endpoint: MediaEndpoint;
  private readonly buffer: string[] = [];
  private readonly keyWaiters = new Set<KeyWaiter>();
  private readonly dtmfListeners = new Set<(digit: string) => void>();
  private readonly hangupListeners = new Set<(cause: HangupCause) => void>();
  private readonly reconnectListeners = new Set<(reached: NonNullable<HandOffOutcome>) => void>();
  private endCause: HangupCause | undefined;
  private recordings = 0;
  private readonly ready: Promise<void>;
  private peer: BridgedPeer | undefined;
  /** How the last bridged peer's leg ended, for the cause of the caller's end right after. */
  private peerEndedBy: LegEnd | undefined;
  private callRecording: CallRecording | undefined;
  private pendingHandOff: Promise<HandOffOutcome> | undefined;

  constructor(private readonly options: FreeSwitchCallSessionOptions) {
    this.callId = options.callId;
    this.callerNumber = options.callerNumber;
    this.dialedNumber = options.dialedNumber;
    this.endpoint = options.caller.endpoint;
    this.endpoint.on('dtmf', (event: DtmfEvent) => this.deliver(event.dtmf));
    // FreeSWITCH releasing the caller's channel is not the caller hanging up:
    // after the bridged peer hung up (their BYE) it is that hang-up carried
    // across the bridge; otherwise the media went away (media timeout,
    // FreeSWITCH lost, which ends the peer's channel the same way).
    options.caller.onEnded((by) =>
      this.end(
        by !== 'media'
          ? 'callerHungUp'
          : this.peerEndedBy === 'farEnd'
            ? 'normal'
            : 'mediaServerLost',
      ),
    );
    // Keys are ours to interpret: FreeSWITCH's default terminator (`*`) would
    // cut prompts short behind the flow's back. Our dialplan
    // (docker/freeswitch/dialplan/mrf.xml) sets it before the channel reaches
    // us, which spares a command and its two events per call; otherwise set it.
    const terminators = this.endpoint.conn?.getInfo().getHeader('variable_playback_terminators');
    this.ready =
      terminators === 'none'
        ? Promise.resolve()
        : this.endpoint.set('playback_terminators', 'none').then(
            () => undefined,
            (error: unknown) => this.logFailure('set playback_terminators', error),
          );
  }

  get ended(): boolean {
    return this.endCause !== undefined;
  }

  /** The call is answered when the session is built (the caller got 200 OK); this only checks it is live. */
  async answer(signal?: AbortSignal): Promise<void> {
    this.assertUsable(signal);
    await this.ready;
  }

  async play(prompts: readonly Prompt[], options: PlayOptions = {}): Promise<PlayResult> {
    this.assertUsable(options.signal);
    await this.ready;
    const keys = options.interruptKeys ?? '';
    for (const prompt of prompts) {
      const buffered = this.bufferedKeyIn(keys);
      if (buffered !== undefined) return { interruptedBy: buffered };
      const source = playbackSourceFor(prompt, this.options.prompts);
      if (source === undefined) {
        this.options.logger.warn({ prompt }, 'prompt cannot be played here; skipped');
        continue;
      }
      const key = await this.playSource(source, keys, options.signal);
      if (key !== undefined) return { interruptedBy: key };
    }
    return {};
  }

  async collectDigits(options: CollectDigitsOptions): Promise<CollectDigitsResult> {
    this.assertUsable(options.signal);
    if (options.prompts !== undefined && options.prompts.length > 0) {
      await this.play(options.prompts, { interruptKeys: allKeys, signal: options.signal });
    }
    let digits = '';
    const music =
      options.holdMusic !== undefined && this.buffer.length === 0
        ? this.startHoldMusic(options.holdMusic)
        : undefined;
    try {
      for (;;) {
        for (let digit = this.buffer.shift(); digit !== undefined; digit = this.buffer.shift()) {
          if (options.finishKey !== undefined && digit === options.finishKey) {
            return { digits, endedBy: 'finishKey' };
          }
          digits += digit;
          if (digits.length >= options.maxDigits) return { digits, endedBy: 'maxDigits' };
        }
        const timeout = digits === '' ? options.firstDigitTimeoutMs : options.interDigitTimeoutMs;
        if ((await this.waitForKey(timeout, options.signal)) === 'timeout') {
          return { digits, endedBy: 'timeout' };
        }
      }
    } finally {
      if (music !== undefined) await music.stop();
    }
  }

  async record(options: RecordOptions): Promise<RecordingResult> {
    this.assertUsable(options.signal);
    // Measured from the flow's request, as the caller experiences it (beep included).
    const started = this.options.clock.now();
    await this.ready;
    if (options.beep) await this.playSource({ kind: 'play', file: beep }, '', options.signal);
    this.recordings += 1;
    const recordingUri = `${this.options.recordingsDir}/${this.callId}-${this.recordings}.wav`;
    const finishKey = options.finishKey ?? 'none';
    await this.endpoint.set('playback_terminators', finishKey);
    const finish = (endedBy: RecordingResult['endedBy']): RecordingResult => ({
      recordingUri,
      durationMs: this.options.clock.now() - started,
      endedBy,
    });
    try {
      const recorded = this.endpoint.record(recordingUri, {
        timeLimitSecs: Math.max(1, Math.ceil(options.maxLengthMs / 1000)),
        silenceThresh: 200,
        silenceHits: Math.max(1, Math.ceil(options.silenceTimeoutMs / 1000)),
      });
      const outcome = await this.untilEndOrAbort(recorded, options.signal);
      if (outcome.kind === 'ended') return finish('hangup');
      if (outcome.kind === 'aborted') throw options.signal?.reason as Error;
      if (outcome.value.terminatorUsed !== undefined && outcome.value.terminatorUsed !== '') {
        this.forget(outcome.value.terminatorUsed);
        return finish('finishKey');
      }
      const elapsed = this.options.clock.now() - started;
      return finish(elapsed >= options.maxLengthMs - 1000 ? 'maxLength' : 'silence');
    } finally {
      if (!this.ended) {
        await this.endpoint.set('playback_terminators', 'none').catch((error: unknown) => {
          this.logFailure('reset playback_terminators', error);
        });
      }
    }
  }

  async bridge(target: BridgeTarget, signal?: AbortSignal): Promise<BridgeResult> {
    this.assertUsable(signal);
    const leg = await this.options.agentLegs.take(this.callId, target.agentId);
    if (leg === undefined || leg.ended) return { outcome: 'failed', durationMs: 0 };
    if (this.ended || signal?.aborted) {
      await leg.hangup();
      this.assertUsable(signal);
    }
    return this.connectTo(leg, signal, target.agentId);
  }

  async transfer(
    destination: string,
    options: { readonly timeoutMs: number; readonly signal?: AbortSignal },
  ): Promise<TransferResult> {
    this.assertUsable(options.signal);
    const dialing = this.options.dialer.dial(destination, {
      timeoutMs: options.timeoutMs,
      callerNumber: this.callerNumber,
      signal: options.signal,
    });
    const outcome = await this.untilEndOrAbort(dialing, options.signal);
    if (outcome.kind !== 'done') {
      // The dial may still answer after we stopped caring: release that leg.
      void dialing.then((late) => (late.outcome === 'answered' ? late.leg.hangup() : undefined));
      if (outcome.kind === 'aborted') throw options.signal?.reason as Error;
      throw this.hangupError();
    }
    const result = outcome.value;
    if (result.outcome !== 'answered') return { outcome: result.outcome };
    const bridged = await this.connectTo(result.leg, options.signal).catch((error: unknown) => {
      void result.leg.hangup();
      throw error;
    });
    return { outcome: bridged.outcome === 'completed' ? 'answered' : 'failed' };
  }

  /** Hangs the caller up (once); resolves when their channel is released, also when they hung up first. */
  async hangup(cause: HangupCause): Promise<void> {
    if (this.endCause === undefined) this.end(cause);
    await this.options.caller.hangup();
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

  /**
   * Called each time a {@link handOff} (a transfer to a queue) bridges the
   * caller with the agent it reached, so the call record can name the agent
   * and queue the caller talks to now. Returns a function that unsubscribes.
   */
  onReconnected(listener: (reached: NonNullable<HandOffOutcome>) => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /** The agent or transfer target the caller is bridged with now, if any. */
  get bridgedPeer(): BridgedPeer | undefined {
    return this.peer;
  }

  /** FreeSWITCH channels this call holds: the caller's and the bridged peer's. */
  mediaUuids(): string[] {
    return [this.endpoint.uuid, ...(this.peer === undefined ? [] : [this.peer.leg.endpoint.uuid])];
  }

  /** The caller's channel (hold music and DTMF from the agent's controls). */
  get customerEndpoint(): MediaEndpoint {
    return this.endpoint;
  }

  /** The recording of the bridged call, while there is one (for pause/resume). */
  get recording(): CallRecording | undefined {
    return this.callRecording;
  }

  /**
   * Blind transfer of a bridged call: bridges the caller with `leg` and
   * hangs up the leg they were talking to. The pending `bridge`/`transfer`
   * keeps waiting, now on `leg`. Rejects with `conflict` (and hangs `leg`
   * up) when the caller is not bridged. `agentId` names the agent on `leg`
   * (a transfer to an agent), so supervision and consultations see one.
   */
  async handOver(leg: ConnectedLeg, agentId?: string): Promise<void> {
    const previous = this.peer;
    if (previous === undefined || this.ended) {
      await leg.hangup();
      throw new SwitchboardError('conflict', 'the call is not connected to anyone');
    }
    try {
      await this.endpoint.bridge(leg.endpoint);
    } catch (error) {
      await leg.hangup();
      throw error;
    }
    this.peer = { leg, agentId };
    await previous.leg.hangup();
  }

  /**
   * Blind transfer of a bridged call to a wait (a queue): the leg the caller
   * talks to is hung up and `wait` runs with a signal that aborts when the
   * caller hangs up. When it resolves with an agent, that agent's accepted
   * leg is taken from the broker, bridged and recorded, and the pending
   * `bridge`/`transfer` keeps waiting on it; when it resolves undefined the
   * pending bridge completes. Resolves once the previous leg is released.
   * Rejects with `conflict` when the caller is not bridged.
   */
  async handOff(wait: (signal: AbortSignal) => Promise<HandOffOutcome>): Promise<void> {
    const previous = this.peer;
    if (previous === undefined || this.ended || this.pendingHandOff !== undefined) {
      throw new SwitchboardError('conflict', 'the call is not connected to anyone');
    }
    const callerGone = new AbortController();
    const unwatch = this.onHangup(() => callerGone.abort(this.hangupError()));
    const pending = wait(callerGone.signal).finally(unwatch);
    // Nobody may be waiting on it if the caller hung up first: never unhandled.
    void pending.catch((error: unknown) => this.logFailure('transfer wait', error));
    this.pendingHandOff = pending.catch(() => undefined);
    // Out of the bridge first (parked, as fsmrf's unbridge does): FreeSWITCH hangs up a
    // uuid_bridge partner when the other side hangs up.
    await this.endpoint
      .api('uuid_transfer', [this.endpoint.uuid, '-both', 'park', 'inline'])
      .catch((error: unknown) => this.logFailure('uuid_transfer park', error));
    await previous.leg.hangup();
  }

  /**
   * Bridges the caller with `leg` and waits for the leg to end (or for the
   * leg it was handed over to, see {@link handOver}, or for the agent a
   * queue transfer reaches, see {@link handOff}). Agent bridges are recorded
   * when a recorder is configured.
   */
  private async connectTo(
    leg: ConnectedLeg,
    signal?: AbortSignal,
    agentId?: string,
  ): Promise<BridgeResult> {
    try {
      await this.endpoint.bridge(leg.endpoint);
    } catch (error) {
      this.logFailure('bridge', error);
      await leg.hangup();
      return { outcome: 'failed', durationMs: 0 };
    }
    const started = this.options.clock.now();
    this.peer = { leg, agentId };
    await this.startRecording(agentId);
    try {
      for (;;) {
        const current = this.peer.leg;
        const legEnded = new Promise<void>((resolve) =>
          current.onEnded((by) => {
            this.peerEndedBy = by;
            resolve();
          }),
        );
        const outcome = await this.untilEndOrAbort(legEnded, signal);
        if (outcome.kind !== 'done') {
          await this.peer.leg.hangup();
          if (outcome.kind === 'aborted') throw signal?.reason as Error;
          throw this.hangupError();
        }
        if (this.peer.leg !== current) continue;
        const next = await this.nextAfterHandOff(signal);
        if (next === undefined) break;
        this.peer = next;
      }
    } finally {
      this.peer = undefined;
      const recording = this.callRecording;
      this.callRecording = undefined;
      await recording?.stop();
    }
    return { outcome: 'completed', durationMs: this.options.clock.now() - started };
  }

  /**
   * After the peer leg ended: when a {@link handOff} is under way, waits for
   * it and bridges the agent it reached. Undefined when there is nothing to
   * connect next (the bridge is over).
   */
  private async nextAfterHandOff(signal?: AbortSignal): Promise<BridgedPeer | undefined> {
    const pending = this.pendingHandOff;
    if (pending === undefined) return undefined;
    this.pendingHandOff = undefined;
    this.peer = undefined;
    const recording = this.callRecording;
    this.callRecording = undefined;
    await recording?.stop();
    const outcome = await this.untilEndOrAbort(pending, signal);
    if (outcome.kind === 'aborted') throw signal?.reason as Error;
    if (outcome.kind === 'ended') throw this.hangupError();
    const reached = outcome.value;
    if (reached === undefined) return undefined;
    const leg = await this.options.agentLegs.take(this.callId, reached.agentId);
    if (leg === undefined || leg.ended) {
      this.options.logger.warn(
        { callId: this.callId, agentId: reached.agentId },
        'the agent a transfer reached has no leg to bridge',
      );
      return undefined;
    }
    try {
      await this.endpoint.bridge(leg.endpoint);
    } catch (error) {
      this.logFailure('bridge', error);
      await leg.hangup();
      return undefined;
    }
    for (const listener of [...this.reconnectListeners]) listener(reached);
    await this.startRecording(reached.agentId);
    return { leg, agentId: reached.agentId };
  }

  private async startRecording(agentId: string | undefined): Promise<void> {
    if (agentId === undefined || this.options.recorder === undefined) return;
    this.callRecording = await this.options.recorder
      .start(this.callId, this.endpoint)
      .catch((error: unknown) => {
        this.logFailure('start recording', error);
        return undefined;
      });
  }

  /**
   * Plays one source; resolves with the interrupting key, if any. The key
   * stays buffered. A hang-up rejects at once (the event socket may be gone);
   * an abort stops playback, waits for FreeSWITCH to confirm, then rejects.
   */
  private async playSource(
    source: PlaybackSource,
    interruptKeys: string,
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    let interruptedBy: string | undefined;
    const playing =
      source.kind === 'speak'
        ? this.endpoint.execute('speak', source.argument)
        : this.endpoint.play(source.file);
    const settled = playing.then(
      () => undefined,
      (error: unknown) => this.logFailure('playback', error),
    );
    const cutOff =
      source.kind === 'playFor'
        ? this.options.clock.setTimeout(() => void this.breakPlayback(), source.durationMs)
        : undefined;
    const stopOnKey = (digit: string) => {
      if (interruptedBy === undefined && interruptKeys.includes(digit)) {
        interruptedBy = digit;
        void this.breakPlayback();
      }
    };
    this.dtmfListeners.add(stopOnKey);
    try {
      const outcome = await this.untilEndOrAbort(settled, signal);
      if (outcome.kind === 'ended') throw this.hangupError();
      if (outcome.kind === 'aborted') {
        await this.breakPlayback();
        await settled;
        throw signal?.reason as Error;
      }
      return interruptedBy;
    } finally {
      this.dtmfListeners.delete(stopOnKey);
      if (cutOff !== undefined) this.options.clock.clearTimeout(cutOff);
    }
  }

  /** Music on hold (digit collection, a queue transfer): plays until stopped, looping the stream. */
  startHoldMusic(name: string): { stop(): Promise<void> } {
    const source = playbackSourceFor({ kind: 'music', name, durationMs: 0 }, this.options.prompts);
    const file = source?.kind === 'playFor' ? source.file : `local_stream://${name}`;
    const playing = this.endpoint.play(file).then(
      () => undefined,
      (error: unknown) => this.logFailure('hold music', error),
    );
    return {
      stop: async () => {
        if (this.ended) return;
        await this.breakPlayback();
        await playing;
      },
    };
  }

  private async breakPlayback(): Promise<void> {
    if (this.ended) return;
    await this.endpoint.api('uuid_break', this.endpoint.uuid).catch((error: unknown) => {
      this.logFailure('uuid_break', error);
    });
  }

  /** Resolves 'key' on the next key, 'timeout' after `timeoutMs`; rejects on hang-up or abort. */
  private waitForKey(timeoutMs: number, signal?: AbortSignal): Promise<'key' | 'timeout'> {
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        this.options.clock.clearTimeout(timer);
        this.keyWaiters.delete(waiter);
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter: KeyWaiter = {
        onKey: () => {
          cleanup();
          resolve('key');
        },
        onEnd: () => {
          cleanup();
          reject(this.hangupError());
        },
      };
      const onAbort = () => {
        cleanup();
        reject(signal?.reason as Error);
      };
      const timer = this.options.clock.setTimeout(() => {
        cleanup();
        resolve('timeout');
      }, timeoutMs);
      this.keyWaiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Races `work` against hang-up and abort, leaving no listener behind. */
  private untilEndOrAbort<T>(
    work: Promise<T>,
    signal?: AbortSignal,
  ): Promise<{ kind: 'done'; value: T } | { kind: 'ended' } | { kind: 'aborted' }> {
    return new Promise((resolve, reject) => {
      if (this.ended) return resolve({ kind: 'ended' });
      if (signal?.aborted) return resolve({ kind: 'aborted' });
      const waiter: KeyWaiter = {
        onKey: () => undefined,
        onEnd: () => {
          cleanup();
          resolve({ kind: 'ended' });
        },
      };
      const onAbort = () => {
        cleanup();
        resolve({ kind: 'aborted' });
      };
      const cleanup = () => {
        this.keyWaiters.delete(waiter);
        signal?.removeEventListener('abort', onAbort);
      };
      this.keyWaiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      work.then(
        (value) => {
          cleanup();
          resolve({ kind: 'done', value });
        },
        (error: unknown) => {
          cleanup();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  private deliver(digit: string): void {
    if (this.ended) return;
    this.buffer.push(digit);
    for (const listener of [...this.dtmfListeners]) listener(digit);
    for (const waiter of [...this.keyWaiters]) waiter.onKey();
  }

  private bufferedKeyIn(keys: string): string | undefined {
    return this.buffer.find((digit) => keys.includes(digit));
  }

  /** Drops the last buffered `digit` (a recording's finish key is not caller input). */
  private forget(digit: string): void {
    const index = this.buffer.lastIndexOf(digit);
    if (index >= 0) this.buffer.splice(index, 1);
  }

  private end(cause: HangupCause): void {
    if (this.endCause !== undefined) return;
    this.endCause = cause;
    for (const waiter of [...this.keyWaiters]) waiter.onEnd();
    this.keyWaiters.clear();
    for (const listener of [...this.hangupListeners]) listener(cause);
    this.hangupListeners.clear();
    this.dtmfListeners.clear();
    this.reconnectListeners.clear();
  }

  private assertUsable(signal?: AbortSignal): void {
    if (this.endCause !== undefined) throw this.hangupError();
    if (signal?.aborted) throw signal.reason as Error;
  }

  private hangupError(): SwitchboardError {
    return new SwitchboardError('unavailable', 'the call has ended', { reason: 'hangup' });
  }

  private logFailure(operation: string, error: unknown): void {
    this.options.logger.warn(
      {
        callId: this.callId,
        operation,
        err: error instanceof Error ? error.message : String(error),
      },
      'media operation failed',
    );
  }
}
