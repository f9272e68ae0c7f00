import type { Clock } from '../../platform/clock.ts';

export interface RefreshingCacheOptions<V> {
  /**
   * An entry is never served more than this long after the read it came from
   * began (0: nothing is cached; every lookup reads the source).
   */
  readonly ttlMs: number;
  /** Entries used within this long are refreshed in the background before they expire. */
  readonly keepWarmMs: number;
  /** Bound on entries; the cache is emptied when it is reached. */
  readonly maxEntries: number;
  /**
   * Reads many keys in one go. A key missing from the answer no longer
   * exists (its entry is dropped, and a lookup answers undefined).
   */
  readonly load: (keys: readonly string[]) => Promise<ReadonlyMap<string, V>>;
  /** The latest time (epoch ms) a value may be served, e.g. its session's own expiry. */
  readonly validUntil?: (value: V) => number;
  readonly clock: Clock;
}

interface Entry<V> {
  value: V;
  /** When the read this value came from began. */
  readAt: number;
  until: number;
  usedAt: number;
}

interface Waiter<V> {
  readonly resolve: (value: V | undefined) => void;
  readonly reject: (error: unknown) => void;
}

/** Keys refreshed per background query, so one query never holds a connection for long. */
const refreshBatch = 500;

/**
 * A read-through cache for values every request needs (who the caller is,
 * what they may see), built so the request path almost never waits for the
 * database:
 *
 * - entries in use are re-read in the background, in one batched query per
 *   tick, once they are half their lifetime old, so they are replaced before
 *   they expire instead of expiring under a request;
 * - lookups that miss in the same turn of the event loop (a burst after a
 *   restart) share one batched query;
 * - an entry is never served more than `ttlMs` after its read began, which
 *   is the documented bound on staleness; `forget` drops entries at once.
 *
 * The background timer runs only while entries exist and never keeps the
 * process alive.
 */
export class RefreshingCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private waiting = new Map<string, Waiter<V>[]>();
  private flushScheduled = false;
  /** Bumped by every `forget`, so a read that raced with one is not cached. */
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;
  private refreshing = false;
  private closed = false;

  constructor(private readonly o: RefreshingCacheOptions<V>) {}

  /** The value for `key`: from the cache when fresh, else read (batched with other misses). */
  get(key: string): Promise<V | undefined> {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      const now = this.o.clock.now();
      if (entry.until > now) {
        entry.usedAt = now;
        return Promise.resolve(entry.value);
      }
      this.entries.delete(key);
    }
    return new Promise<V | undefined>((resolve, reject) => {
      const waiters = this.waiting.get(key);
      if (waiters !== undefined) waiters.push({ resolve, reject });
      else this.waiting.set(key, [{ resolve, reject }]);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** A token to pass to {@link put}: values read after it is taken may be cached. */
  version(): number {
    return this.generation;
  }

  /**
   * Caches a value the caller read itself (e.g. at login), begun at `readAt`;
   * ignored when a `forget` happened since `version` was taken.
   */
  put(key: string, value: V, version: number, readAt: number): void {
    if (version !== this.generation) return;
    this.store(key, value, readAt, this.o.clock.now());
  }

  /** Drops the matching entries at once; reads already under way are not cached. */
  forget(matches: (value: V) => boolean): void {
    this.generation += 1;
    for (const [key, entry] of this.entries) {
      if (matches(entry.value)) this.entries.delete(key);
    }
  }

  /** Stops the background refresh; lookups still work, reading the source each time. */
  close(): void {
    this.closed = true;
    this.stopTimer();
    this.entries.clear();
  }

  /** Runs one background refresh now (the timer does this every quarter lifetime). */
  async refreshNow(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      const now = this.o.clock.now();
      const due: [string, Entry<V>][] = [];
      for (const [key, entry] of this.entries) {
        if (entry.until <= now) this.entries.delete(key);
        else if (now - entry.usedAt <= this.o.keepWarmMs && now - entry.readAt >= this.o.ttlMs / 2)
          due.push([key, entry]);
      }
      for (let i = 0; i < due.length && !this.closed; i += refreshBatch) {
        const chunk = due.slice(i, i + refreshBatch);
        const readAt = this.o.clock.now();
        const found = await this.o.load(chunk.map(([key]) => key));
        for (const [key, entry] of chunk) {
          // Forgotten or replaced while the read ran: leave it to its newer owner.
          if (this.entries.get(key) !== entry) continue;
          const value = found.get(key);
          if (value === undefined) {
            this.entries.delete(key);
          } else {
            entry.value = value;
            entry.readAt = readAt;
            entry.until = this.untilOf(value, readAt);
          }
        }
      }
    } finally {
      this.refreshing = false;
      if (this.entries.size === 0) this.stopTimer();
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.waiting;
    this.waiting = new Map();
    const generation = this.generation;
    const readAt = this.o.clock.now();
    this.o.load([...batch.keys()]).then(
      (found) => {
        const now = this.o.clock.now();
        for (const [key, waiters] of batch) {
          const value = found.get(key);
          if (value !== undefined && generation === this.generation) {
            this.store(key, value, readAt, now);
          }
          for (const waiter of waiters) waiter.resolve(value);
        }
      },
      (error: unknown) => {
        for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
      },
    );
  }

  private store(key: string, value: V, readAt: number, now: number): void {
    if (this.o.ttlMs <= 0 || this.closed) return;
    const until = this.untilOf(value, readAt);
    if (until <= now) return;
    if (this.entries.size >= this.o.maxEntries) this.entries.clear();
    this.entries.set(key, { value, readAt, until, usedAt: now });
    this.timer ??= setInterval(
      () => void this.refreshNow().catch(() => undefined),
      Math.max(this.o.ttlMs / 4, 10),
    ).unref();
  }

  private untilOf(value: V, readAt: number): number {
    const bound = readAt + this.o.ttlMs;
    return this.o.validUntil === undefined ? bound : Math.min(bound, this.o.validUntil(value));
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
