import { settleWithin, sleep, type CallClock } from '../../ivr/call-clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { CallRecordSink, RecordingRecord } from '../call-record/call-record.ts';
import type { MediaEndpoint } from '../freeswitch/media-server.ts';
import type { RecordingFiles } from './recording-files.ts';

export interface BridgeRecorderOptions {
  /** The recordings directory as FreeSWITCH sees it (`FREESWITCH_RECORDINGS_DIR`). */
  readonly freeswitchDir: string;
  /** The same directory as this process sees it, for size and checksum. */
  readonly files: RecordingFiles;
  readonly sink: CallRecordSink;
  readonly clock: CallClock;
  readonly logger: Logger;
  /** How often, and how long apart, to look for the finished file. Default 10 x 500 ms. */
  readonly fileChecks?: { readonly attempts: number; readonly intervalMs: number };
}

type MaskedInterval = { readonly fromMs: number; readonly toMs: number };

/** How long stopping a recording waits for FreeSWITCH to answer `uuid_record stop`. */
export const recordingStopLimitMs = 2_000;

/**
 * Starts stereo recordings of bridged calls: FreeSWITCH's `uuid_record` on
 * the customer's channel with `RECORD_STEREO=true`, so the customer is the
 * left channel and the agent (what the customer hears) the right.
 *
 * @example
 * const recording = await recorder.start(callId, caller.endpoint);
 * await recording.pause(); // card number: silent span
 * await recording.resume();
 * await recording.stop();  // at hang-up: writes the recordings row
 */
export class BridgeRecorder {
  private count = 0;

  constructor(private readonly options: BridgeRecorderOptions) {}

  async start(callId: string, endpoint: MediaEndpoint): Promise<CallRecording> {
    this.count += 1;
    const name = `calls/${callId}-${this.options.clock.now()}-${this.count}.wav`;
    const recording = new CallRecording(callId, name, endpoint, this.options);
    await recording.begin();
    return recording;
  }
}

/**
 * One recording of one bridged call. Pausing masks the audio (`uuid_record
 * mask`: FreeSWITCH writes silence) rather than cutting it, so the file's
 * timeline stays the call's and the masked spans, stored with the row, line
 * up with it. Stopping writes the `recordings` row from the file itself:
 * bytes, SHA-256 and duration from the WAV header.
 */
export class CallRecording {
  private readonly path: string;
  private startedAt = 0;
  private maskedSince: number | undefined;
  private readonly masked: MaskedInterval[] = [];
  private stopped: Promise<RecordingRecord | undefined> | undefined;

  constructor(
    readonly callId: string,
    /** Relative to the recordings directory; the row's `storage_uri`. */
    readonly name: string,
    private readonly endpoint: MediaEndpoint,
    private readonly options: BridgeRecorderOptions,
  ) {
    this.path = `${options.freeswitchDir}/${name}`;
  }

  get paused(): boolean {
    return this.maskedSince !== undefined;
  }

  /** Masked spans so far, ms from the start of the recording. */
  get maskedIntervals(): readonly MaskedInterval[] {
    return this.maskedSince === undefined
      ? [...this.masked]
      : [...this.masked, { fromMs: this.maskedSince, toMs: this.elapsed() }];
  }

  /** @internal Started by {@link BridgeRecorder.start}. */
  async begin(): Promise<void> {
    await this.endpoint.set('RECORD_STEREO', 'true');
    await this.command('start');
    this.startedAt = this.options.clock.now();
  }

  /** Silences the recording from now (idempotent). */
  async pause(): Promise<void> {
    if (this.maskedSince !== undefined || this.stopped !== undefined) return;
    await this.command('mask');
    this.maskedSince = this.elapsed();
  }

  /** Records audio again (idempotent). */
  async resume(): Promise<void> {
    if (this.maskedSince === undefined || this.stopped !== undefined) return;
    await this.command('unmask');
    this.masked.push({ fromMs: this.maskedSince, toMs: this.elapsed() });
    this.maskedSince = undefined;
  }

  /**
   * Stops recording (FreeSWITCH stops by itself when the channel hangs up),
   * then writes the row. Idempotent; never rejects; resolves with the row,
   * or undefined when no file appeared.
   */
  stop(): Promise<RecordingRecord | undefined> {
    this.stopped ??= this.finish();
    return this.stopped;
  }

  private async finish(): Promise<RecordingRecord | undefined> {
    const intervals = this.maskedIntervals;
    const elapsedMs = this.elapsed();
    // The caller may have hung up first, or FreeSWITCH died: then the event
    // socket is closing and `stop` is never answered. FreeSWITCH stops a
    // recording by itself when the channel goes, so the file on disk is what
    // the row is written from either way.
    const stopped = await settleWithin(
      this.options.clock,
      recordingStopLimitMs,
      this.command('stop').catch(() => undefined),
    );
    if (stopped === 'timedOut') {
      this.options.logger.info(
        { callId: this.callId, file: this.name },
        'uuid_record stop unanswered; writing the recording from the file',
      );
    }
    const { attempts, intervalMs } = this.options.fileChecks ?? { attempts: 10, intervalMs: 500 };
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      const facts = await this.options.files.inspect(this.name);
      if (facts !== undefined) {
        const record: RecordingRecord = {
          callId: this.callId,
          storageUri: this.name,
          channels: 2,
          startedAt: new Date(this.startedAt),
          durationMs: facts.durationMs ?? elapsedMs,
          bytes: facts.bytes,
          sha256: facts.sha256,
          maskedIntervals: intervals,
        };
        this.options.sink.write({ kind: 'recording', recording: record });
        return record;
      }
      await sleep(this.options.clock, intervalMs);
    }
    this.options.logger.error(
      { callId: this.callId, file: this.name },
      'recording file never appeared; no recordings row written',
    );
    return undefined;
  }

  private async command(action: 'start' | 'stop' | 'mask' | 'unmask'): Promise<void> {
    await this.endpoint.api('uuid_record', `${this.endpoint.uuid} ${action} ${this.path}`);
  }

  private elapsed(): number {
    return this.options.clock.now() - this.startedAt;
  }
}
