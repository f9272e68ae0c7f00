import type { CallClock } from '../../ivr/call-clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { CallRecordItem, CallRecordSink, CallRecordStore } from './call-record.ts';

export interface CallRecordWriterOptions {
  readonly store: CallRecordStore;
  readonly clock: CallClock;
  readonly logger: Logger;
  /** Items held while Postgres is unreachable. Default 50,000. */
  readonly capacity?: number;
  /** Items per transaction. Default 200. */
  readonly batchSize?: number;
  /** First retry delay after a failed write; doubles up to `maxRetryDelayMs`. */
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  /**
   * How long a first record waits for others before a write starts, so the
   * changes a call makes in quick succession (started, answered, its events)
   * and other calls' records share one write. Default 50 ms; 0 writes at once.
   */
  readonly coalesceMs?: number;
}

/**
 * Writes call records to Postgres in the background, in order, and keeps
 * them in a bounded buffer while Postgres is unreachable, retrying with
 * backoff until they are written. Calls never wait for it.
 *
 * Snapshots of the same call or leg that are still waiting are replaced in
 * place by the newer one, so a long outage costs one slot per live call plus
 * its events, not one per state change. When the buffer passes half full,
 * {@link hasRoomForNewCalls} turns false and the SIP layer refuses new calls
 * (503) rather than take calls it could not write down; the buffer itself
 * never drops an item.
 *
 * @example
 * const records = new CallRecordWriter({ store: new CallRecordRepository(db), clock, logger });
 * records.write({ kind: 'call', call: snapshot });
 * await records.drain(); // at shutdown
 */
export class CallRecordWriter implements CallRecordSink {
  private readonly queue: CallRecordItem[] = [];
  private readonly capacity: number;
  private readonly batchSize: number;
  private flushing: Promise<void> | undefined;
  private retryTimer: unknown;
  private failures = 0;
  private idleWaiters: Array<() => void> = [];
  private coalesceTimer: unknown;

  constructor(private readonly options: CallRecordWriterOptions) {
    this.capacity = options.capacity ?? 50_000;
    this.batchSize = options.batchSize ?? 200;
  }

  /** Items not yet written. */
  get pending(): number {
    return this.queue.length;
  }

  /** False while the buffer is more than half full: new calls should be refused. */
  get hasRoomForNewCalls(): boolean {
    return this.queue.length < this.capacity / 2;
  }

  /** True while the last write attempt failed and a retry is scheduled. */
  get retrying(): boolean {
    return this.retryTimer !== undefined;
  }

  write(item: CallRecordItem): void {
    if (!this.replaceWaitingSnapshot(item)) {
      if (this.queue.length >= this.capacity) {
        // Past capacity the item is still kept: losing a record is worse than
        // memory; admission control has been refusing calls since half full.
        this.options.logger.error(
          { pending: this.queue.length },
          'call record buffer over capacity',
        );
      }
      this.queue.push(item);
    }
    this.kick();
  }

  /** Resolves once everything written so far is in Postgres (or `timeoutMs` passes). */
  drain(timeoutMs = 10_000): Promise<boolean> {
    if (this.queue.length === 0 && this.flushing === undefined) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = this.options.clock.setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((waiter) => waiter !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        this.options.clock.clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(done);
      if (this.coalesceTimer !== undefined) {
        this.options.clock.clearTimeout(this.coalesceTimer);
        this.coalesceTimer = undefined;
        this.startFlush();
      }
      if (this.retryTimer !== undefined) {
        this.options.clock.clearTimeout(this.retryTimer);
        this.retryTimer = undefined;
        this.kick();
      }
    });
  }

  /** Stops retrying; items still waiting stay in memory (and are lost at exit). */
  close(): void {
    if (this.retryTimer !== undefined) this.options.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.coalesceTimer !== undefined) this.options.clock.clearTimeout(this.coalesceTimer);
    this.coalesceTimer = undefined;
  }

  private replaceWaitingSnapshot(item: CallRecordItem): boolean {
    if (item.kind !== 'call' && item.kind !== 'leg') return false;
    // The batch being written may hold the old snapshot; only items after it can be replaced.
    for (let index = this.queue.length - 1; index >= this.inFlight; index--) {
      const waiting = this.queue[index];
      if (waiting?.kind === 'call' && item.kind === 'call' && waiting.call.id === item.call.id) {
        this.queue[index] = item;
        return true;
      }
      if (waiting?.kind === 'leg' && item.kind === 'leg' && waiting.leg.id === item.leg.id) {
        this.queue[index] = item;
        return true;
      }
    }
    return false;
  }

  private inFlight = 0;

  private kick(): void {
    if (this.flushing !== undefined || this.retryTimer !== undefined) return;
    if (this.coalesceTimer !== undefined) return;
    const wait = this.options.coalesceMs ?? 50;
    if (wait <= 0) {
      this.startFlush();
      return;
    }
    this.coalesceTimer = this.options.clock.setTimeout(() => {
      this.coalesceTimer = undefined;
      this.startFlush();
    }, wait);
  }

  private startFlush(): void {
    if (this.flushing !== undefined || this.retryTimer !== undefined) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      if (this.queue.length > 0 && this.retryTimer === undefined) this.kick();
      else if (this.queue.length === 0) this.notifyIdle();
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, this.batchSize);
      this.inFlight = batch.length;
      try {
        await this.options.store.writeBatch(batch);
      } catch (error) {
        // One record Postgres will never accept (a constraint or data error)
        // must not hold every later record hostage: write the batch one item
        // at a time and set aside only what is refused for its content.
        if (isRefusedForContent(error) && (await this.writeOneByOne(batch))) {
          this.queue.splice(0, batch.length);
          this.inFlight = 0;
          this.failures = 0;
          continue;
        }
        this.inFlight = 0;
        this.failures += 1;
        const base = this.options.retryDelayMs ?? 500;
        const delay = Math.min(
          base * 2 ** (this.failures - 1),
          this.options.maxRetryDelayMs ?? 10_000,
        );
        this.options.logger.warn(
          {
            pending: this.queue.length,
            retryInMs: delay,
            err: error instanceof Error ? error.message : String(error),
          },
          'call records not written; will retry',
        );
        this.retryTimer = this.options.clock.setTimeout(() => {
          this.retryTimer = undefined;
          this.kick();
        }, delay);
        return;
      }
      this.queue.splice(0, batch.length);
      this.inFlight = 0;
      if (this.failures > 0) this.options.logger.info('call records writing again');
      this.failures = 0;
    }
  }

  /** Records Postgres refused for their content, kept for inspection (and logged). */
  readonly refused: CallRecordItem[] = [];

  /** True when every item was written or refused for its content; false on any other failure. */
  private async writeOneByOne(batch: readonly CallRecordItem[]): Promise<boolean> {
    for (const item of batch) {
      try {
        await this.options.store.writeBatch([item]);
      } catch (error) {
        if (!isRefusedForContent(error)) return false;
        this.refused.push(item);
        this.options.logger.error(
          { kind: item.kind, err: error instanceof Error ? error.message : String(error) },
          'call record refused by Postgres; set aside',
        );
      }
    }
    return true;
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }
}

/** Postgres SQLSTATE classes 22 (data exception) and 23 (integrity constraint): retrying cannot help. */
function isRefusedForContent(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}
