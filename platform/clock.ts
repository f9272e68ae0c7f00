/**
 * Time source passed into everything that schedules or stamps. Production uses
 * {@link systemClock}; tests pass a simulated clock so SLA timers and flows are
 * deterministic.
 *
 * @example
 * const started = clock.now();
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = Object.freeze({ now: () => Date.now() });

/** A clock that only moves when told to; for tests and the flow simulator. */
export class ManualClock implements Clock {
  constructor(private current = 0) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
}
