import type { Clock } from '../platform/clock.ts';

/**
 * Time for a running call: reading it and scheduling on it. It is also XState's
 * `Clock`, so a flow's delayed transitions and the IVR steps' timeouts run on
 * the same time line, which is what lets the simulator replay an hour-long
 * call in milliseconds.
 *
 * @example
 * const timer = clock.setTimeout(() => session.hangup('maxDurationReached'), 3_600_000);
 * clock.clearTimeout(timer);
 */
export interface CallClock extends Clock {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock for live calls. */
export const systemCallClock: CallClock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (callback: () => void, delayMs: number): unknown => setTimeout(callback, delayMs),
  clearTimeout: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
});

/**
 * Resolves after `delayMs` on `clock`, or rejects with the signal's reason when
 * aborted first; the timer is always cleared so nothing outlives the wait.
 */
export function sleep(clock: CallClock, delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(signal?.reason as Error);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Waits for `work` to settle, but no longer than `limitMs` on `clock`:
 * resolves `settled` or `timedOut`, never rejects. For teardown, where the
 * other side may already be gone: a command on an event socket that has just
 * closed is never answered, and a call must not stay open waiting for it.
 *
 * @example
 * if ((await settleWithin(clock, 2_000, endpoint.destroy())) === 'timedOut') log.warn('...');
 */
export function settleWithin(
  clock: CallClock,
  limitMs: number,
  work: Promise<unknown>,
): Promise<'settled' | 'timedOut'> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(() => resolve('timedOut'), limitMs);
    const done = () => {
      clock.clearTimeout(timer);
      resolve('settled');
    };
    work.then(done, done);
  });
}
