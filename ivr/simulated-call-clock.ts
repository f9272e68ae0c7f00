import type { CallClock } from './call-clock.ts';

interface Timer {
  readonly dueAt: number;
  readonly order: number;
  readonly callback: () => void;
}

/**
 * A call clock that only moves when the simulation is idle. {@link run} lets
 * every pending promise settle, then jumps straight to the next timer, so a
 * flow that waits 30 seconds in a queue costs no real time. Real IO (an HTTP
 * lookup) is registered with {@link hold}; time stands still until it settles,
 * exactly as if the network were instant.
 *
 * @example
 * const clock = new SimulatedCallClock(Date.parse('2025-03-03T10:00:00Z'));
 * const outcome = await clock.run(flow.done);
 */
export class SimulatedCallClock implements CallClock {
  private current: number;
  private nextHandle = 1;
  private readonly timers = new Map<number, Timer>();
  private readonly holds = new Set<Promise<unknown>>();

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): unknown {
    const handle = this.nextHandle++;
    this.timers.set(handle, {
      dueAt: this.current + Math.max(0, delayMs),
      order: handle,
      callback,
    });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === 'number') this.timers.delete(handle);
  }

  /** Timers scheduled and not yet fired or cleared; zero after a clean hang-up. */
  get pendingTimerCount(): number {
    return this.timers.size;
  }

  /** Keeps time still until `work` settles; returns `work` unchanged. */
  hold<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.holds.add(settled);
    void settled.then(() => this.holds.delete(settled));
    return work;
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  /** Moves time to `targetMs`, firing every timer due on the way, settling work between them. */
  async advanceTo(targetMs: number): Promise<void> {
    await this.settle();
    for (;;) {
      const next = this.earliest();
      if (next === undefined || next.timer.dueAt > targetMs) break;
      this.fire(next.handle, next.timer);
      await this.settle();
    }
    this.current = Math.max(this.current, targetMs);
    await this.settle();
  }

  /**
   * Runs the simulation until `until` settles: settle pending work, then jump
   * to the next timer, again and again. Rejects if nothing is left to happen
   * and `until` is still pending (a flow stuck waiting for an event that
   * cannot come).
   */
  async run<T>(until: Promise<T>, options: { readonly limitMs?: number } = {}): Promise<T> {
    let done = false;
    const watched = until.finally(() => {
      done = true;
    });
    const limit = options.limitMs === undefined ? Infinity : this.current + options.limitMs;
    for (;;) {
      await this.settle();
      if (done) return watched;
      const next = this.earliest();
      if (next === undefined || next.timer.dueAt > limit) {
        void watched.catch(() => undefined);
        throw new Error(
          `simulation stalled at ${this.current} ms: nothing scheduled and the call has not ended`,
        );
      }
      this.fire(next.handle, next.timer);
    }
  }

  private fire(handle: number, timer: Timer): void {
    this.timers.delete(handle);
    this.current = Math.max(this.current, timer.dueAt);
    timer.callback();
  }

  private earliest(): { handle: number; timer: Timer } | undefined {
    let best: { handle: number; timer: Timer } | undefined;
    for (const [handle, timer] of this.timers) {
      if (
        best === undefined ||
        timer.dueAt < best.timer.dueAt ||
        (timer.dueAt === best.timer.dueAt && timer.order < best.timer.order)
      ) {
        best = { handle, timer };
      }
    }
    return best;
  }

  /**
   * Lets promise chains run to quiescence. A macrotask turn (setImmediate) is
   * needed, not just microtasks, because some libraries hop through one; held
   * real IO is awaited so time does not run ahead of the network.
   */
  private async settle(): Promise<void> {
    for (let round = 0; round < 3; round++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.holds.size > 0) {
        await Promise.all([...this.holds]);
        await new Promise<void>((resolve) => setImmediate(resolve));
        round = 0;
      }
    }
  }
}
