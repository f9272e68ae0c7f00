import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Logger } from './logger.ts';

export interface EventLoopWatchOptions {
  /** A pause at least this long in a period is logged. Default 250 ms. */
  readonly thresholdMs?: number;
  /** How often the delay histogram is read and reset. Default 1000 ms. */
  readonly periodMs?: number;
}

/**
 * Logs `event loop blocked` (warn) for every period in which this process's
 * event loop stalled past `thresholdMs`, with the longest stall and the
 * period's p99. In the voice process a stall holds every call's signalling
 * and media commands at once (set-ups slow down, admission control starts
 * refusing), so it is the first thing to rule in or out when calls are
 * refused on a host with headroom. Returns a function that stops watching.
 *
 * @example
 * const stop = watchEventLoop(logger.child({ part: 'process' }));
 */
export function watchEventLoop(logger: Logger, options: EventLoopWatchOptions = {}): () => void {
  const thresholdMs = options.thresholdMs ?? 250;
  // 10 ms resolution: finer costs a timer wake-up per resolution, for nothing a stall needs.
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const timer = setInterval(() => {
    const maxMs = histogram.max / 1e6;
    if (maxMs >= thresholdMs) {
      logger.warn(
        { maxMs: Math.round(maxMs), p99Ms: Math.round(histogram.percentile(99) / 1e6) },
        'event loop blocked',
      );
    }
    histogram.reset();
  }, options.periodMs ?? 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    histogram.disable();
  };
}
