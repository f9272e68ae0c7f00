import type { CallClock } from '../../ivr/call-clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { CallRecordItem, CallRecordSink, CallRecordStore } from './call-record.ts';
import type { CallRecordSpool } from './call-record-spool.ts';
import { RecordsAwaitingCall, type AwaitingRecord } from './records-awaiting-call.ts';
import { errorText, isMissingCall, isRefusedForContent } from './record-write-errors.ts';

export interface CallRecordWriterOptions {
  readonly store: CallRecordStore;
  readonly clock: CallClock;
  readonly logger: Logger;
  /** Items held in memory while Postgres is unreachable. Default 50,000. */
  readonly capacity?: number;
  /**
   * Where items go past `capacity`, and what memory still holds at
   * {@link CallRecordWriter.close}; replayed in order once Postgres answers
   * (also by the next process using the same spool). Without one, items past
   * capacity stay in memory and new calls are refused from half full.
   */
  readonly spool?: CallRecordSpool;
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
  /**
   * How long a record whose call row is not in Postgres yet (written by
   * another process, perhaps still catching up) waits for it, tried again
   * every `awaitRetryMs`, before it is refused. Default 10 min and 1 s.
   */
  readonly awaitCallMs?: number;
  readonly awaitRetryMs?: number;
}

/**
 * Writes call records to Postgres in the background, in order, and keeps
 * them in a bounded buffer while Postgres is unreachable, retrying with
 * backoff until they are written. Calls never wait for it.
 *
 * Snapshots of the same call or leg that are still waiting are replaced in
 * place by the newer one, so a long outage costs one slot per live call plus
 * its events, not one per state change. Past `capacity` items go to the
 * spool (a file on disk), and every later item follows them there until the
 * spool is written back, so Postgres sees every item in the order written.
 * Without a spool, or while it cannot take items, the buffer passing half
 * full turns {@link hasRoomForNewCalls} false and the SIP layer refuses new
 * calls (503) rather than take calls it could not write down; no item is
 * ever dropped.
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
  /** The spool's head segment is in the queue; the spool forgets it once the queue is written. */
  private headLoaded = false;
  /** The loaded head was left by an earlier process (see WriteBatchOptions). */
  private headInherited = false;
  /** How many of the head segment's items are still at the queue's front. */
  private headLeft = 0;
  private closed = false;
  private readonly awaiting: RecordsAwaitingCall;
  private awaitTimer: unknown;
  /** The spool refused an item (disk full, not writable); memory holds them meanwhile. */
  private spoolFailing = false;

  constructor(private readonly options: CallRecordWriterOptions) {
    this.capacity = options.capacity ?? 50_000;
    this.batchSize = options.batchSize ?? 200;
    this.awaiting = new RecordsAwaitingCall(options.awaitCallMs ?? 600_000);
    // Left by a process that stopped while Postgres was away.
    if (this.spooled > 0) this.kick();
  }

  /** Items not yet written, in memory and spooled. */
  get pending(): number {
    return this.queue.length - this.headLeft + this.spooled;
  }

  /** Records waiting for their call's row (not counted in {@link pending}: another process owes it). */
  get awaitingCall(): number {
    return this.awaiting.size;
  }

  /** Items kept in the spool (the head being written back included). */
  get spooled(): number {
    return this.options.spool?.size ?? 0;
  }

  /** False while new calls should be refused: the buffer is more than half full and nothing spills. */
  get hasRoomForNewCalls(): boolean {
    if (this.options.spool !== undefined && !this.spoolFailing) return true;
    return this.queue.length < this.capacity / 2;
  }

  /** True while the last write attempt failed and a retry is scheduled. */
  get retrying(): boolean {
    return this.retryTimer !== undefined;
  }

  write(item: CallRecordItem): void {
    // Once anything is spooled, everything follows it there: order is kept.
    if (this.spooled > 0 || (this.queue.length >= this.capacity && this.options.spool)) {
      if (this.spoolItem(item)) {
        this.kick();
        return;
      }
    }
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
    if (this.pending === 0 && this.flushing === undefined) return Promise.resolve(true);
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

  /**
   * Stops retrying. Items still in memory go to the spool, ahead of what it
   * holds, for the next process to write; without a spool they are lost.
   * Whatever is being written may be written again: that is harmless.
   */
  close(): void {
    this.closed = true;
    const spool = this.options.spool;
    const { retry, expired } = this.awaiting.takeAll(0);
    const inMemory = [
      ...[...retry, ...expired].map((w) => w.item),
      ...this.queue.slice(this.headLeft),
    ];
    if (spool !== undefined && inMemory.length > 0) {
      try {
        spool.prepend(inMemory);
        this.queue.splice(this.headLeft);
      } catch (error) {
        this.options.logger.error(
          { pending: inMemory.length, err: errorText(error) },
          'call records could not be spooled at shutdown; lost',
        );
      }
    }
    if (this.retryTimer !== undefined) this.options.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.coalesceTimer !== undefined) this.options.clock.clearTimeout(this.coalesceTimer);
    this.coalesceTimer = undefined;
    if (this.awaitTimer !== undefined) this.options.clock.clearTimeout(this.awaitTimer);
    this.awaitTimer = undefined;
  }

  /** True when the spool kept `item`; false (logged once per failing spell) when memory must. */
  private spoolItem(item: CallRecordItem): boolean {
    try {
      this.options.spool?.append(item);
      if (this.spoolFailing) this.options.logger.info('call record spool writable again');
      this.spoolFailing = false;
      return true;
    } catch (error) {
      if (!this.spoolFailing) {
        this.options.logger.error({ err: errorText(error) }, 'call record spool refused records');
      }
      this.spoolFailing = true;
      return false;
    }
  }

  private replaceWaitingSnapshot(item: CallRecordItem): boolean {
    // A newer snapshot in memory would be overwritten by the older one in the spool.
    if (this.spooled > 0) return false;
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
    if (this.closed) return;
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
      if (this.pending > 0 && this.retryTimer === undefined) this.kick();
      else if (this.pending === 0) this.notifyIdle();
      if (this.awaiting.size > 0 && this.awaitTimer === undefined && !this.closed) {
        this.awaitTimer = this.options.clock.setTimeout(() => {
          this.awaitTimer = undefined;
          this.startFlush();
        }, this.options.awaitRetryMs ?? 1_000);
      }
    });
  }

  /**
   * With memory written, the spool's head segment comes into memory (and is
   * forgotten by the spool once written): true when there is more to write.
   */
  private refillFromSpool(): boolean {
    const spool = this.options.spool;
    if (spool === undefined || this.queue.length > 0) return this.queue.length > 0;
    if (this.headLoaded) {
      spool.dropHead();
      this.headLoaded = false;
    }
    const head = spool.head();
    if (head === undefined) return false;
    if (head.length === 0) {
      spool.dropHead();
      return this.refillFromSpool();
    }
    this.queue.push(...head);
    this.headInherited = spool.headFromEarlierProcess;
    this.headLoaded = true;
    this.headLeft = head.length;
    return true;
  }

  private async flush(): Promise<void> {
    while (!this.closed && this.refillFromSpool()) {
      const batch = this.queue.slice(0, this.batchSize);
      this.inFlight = batch.length;
      try {
        await this.writeItems(batch);
      } catch (error) {
        // One record Postgres will never accept (a constraint or data error)
        // must not hold every later record hostage: write the batch one item
        // at a time and set aside only what is refused for its content.
        if (isRefusedForContent(error) && (await this.writeOneByOne(batch))) {
          this.written(batch.length);
          this.inFlight = 0;
          this.failures = 0;
          continue;
        }
        this.inFlight = 0;
        if (this.closed) return;
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
            spooled: this.spooled,
            err: errorText(error),
          },
          'call records not written; will retry',
        );
        this.retryTimer = this.options.clock.setTimeout(() => {
          this.retryTimer = undefined;
          this.kick();
        }, delay);
        return;
      }
      this.written(batch.length);
      this.inFlight = 0;
      if (this.failures > 0) this.options.logger.info('call records writing again');
      this.failures = 0;
    }
    if (!this.closed && this.awaiting.size > 0) await this.retryAwaiting();
  }

  /** Writes `items`; offers whose call row is missing wait for it, from `since`. */
  private async writeItems(items: readonly CallRecordItem[], since = this.options.clock.now()) {
    const fromEarlierProcess = this.headLoaded && this.headInherited && this.headLeft > 0;
    const waiting = (await this.options.store.writeBatch(items, { fromEarlierProcess })) ?? [];
    this.awaiting.supersede(items);
    for (const item of waiting) this.awaiting.add(item, since);
  }

  /** Tries the records waiting for their call again; refuses those that waited too long. */
  private async retryAwaiting(): Promise<void> {
    const { retry, expired } = this.awaiting.takeAll(this.options.clock.now());
    for (const { item } of expired) this.refuse(item, 'its call was never written');
    const items = retry.map((w) => w.item);
    const since = Math.min(...retry.map((w) => w.since));
    try {
      if (items.length > 0) await this.writeItems(items, since);
    } catch (error) {
      if (isRefusedForContent(error) && (await this.writeOneByOne(retry))) return;
      for (const w of retry) this.awaiting.add(w.item, w.since);
    }
  }

  /** Records Postgres refused for their content, kept for inspection (and logged). */
  readonly refused: CallRecordItem[] = [];

  /**
   * True when every item was written, refused for its content or set to wait
   * for its call (a foreign key to a call not there yet); false on any other failure.
   */
  private async writeOneByOne(
    batch: readonly (CallRecordItem | AwaitingRecord)[],
  ): Promise<boolean> {
    const now = this.options.clock.now();
    for (const entry of batch) {
      const { item, since } = 'since' in entry ? entry : { item: entry, since: now };
      try {
        await this.writeItems([item], since);
      } catch (error) {
        if (!isRefusedForContent(error)) return false;
        if (isMissingCall(error)) this.awaiting.add(item, since);
        else this.refuse(item, errorText(error));
      }
    }
    return true;
  }

  private refuse(item: CallRecordItem, reason: string): void {
    this.refused.push(item);
    this.options.logger.error({ kind: item.kind, err: reason }, 'call record refused; set aside');
  }

  /** The first `count` items of the queue are in Postgres. */
  private written(count: number): void {
    this.queue.splice(0, count);
    this.headLeft = Math.max(0, this.headLeft - count);
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }
}
