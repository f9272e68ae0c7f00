import type { Logger } from './logger.ts';

/** Where a fault escaped from. */
export type FaultSource = 'unhandledRejection' | 'uncaughtException' | 'sipHandler';

/** One failure that no code handled where it happened. */
export interface Fault {
  readonly source: FaultSource;
  readonly message: string;
}

/**
 * Counts failures that escaped the code that should have handled them: an
 * unhandled rejection, an uncaught exception, a SIP handler that threw. Each
 * is a defect; counting them (and logging each at error level) makes them
 * visible to operators (`GET /healthz` answers the count) and lets the test
 * suite fail on any, instead of the process dying with every live call.
 */
export class FaultLog {
  private readonly faults: Fault[] = [];
  private total = 0;

  /** Faults recorded since the process started. */
  get count(): number {
    return this.total;
  }

  record(source: FaultSource, error: unknown, logger: Logger, context: object = {}): void {
    this.total += 1;
    const message = error instanceof Error ? error.message : String(error);
    // Kept for tests to inspect; bounded so a fault storm cannot grow memory.
    if (this.faults.length < 100) this.faults.push({ source, message });
    logger.error({ ...context, err: error, source, faults: this.total }, `fault: ${source}`);
  }

  /** The faults recorded since the last call, removed (tests take those they provoke). */
  take(): Fault[] {
    return this.faults.splice(0);
  }
}

/**
 * The process's fault log. Node's `unhandledRejection` and
 * `uncaughtException` hooks are process-wide, so the count is too.
 */
export const processFaults = new FaultLog();

/**
 * Keeps the process up through a stray rejection or exception: each is
 * logged and counted in `faults` instead of ending the process, because one
 * bad SIP packet or request must not end every live call, the API and the
 * ACD with it. Returns a function that removes the hooks.
 *
 * @example
 * const unguard = guardProcess(logger.child({ part: 'process' }));
 */
export function guardProcess(logger: Logger, faults: FaultLog = processFaults): () => void {
  const onRejection = (reason: unknown) => faults.record('unhandledRejection', reason, logger);
  const onException = (error: Error) => faults.record('uncaughtException', error, logger);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
