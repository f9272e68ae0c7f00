import type { ContactUpdate } from '../acd.ts';

/**
 * Buffers ACD updates for one contact so a step can take them one at a time,
 * and wait for the next one without missing any that arrive meanwhile.
 */
export class ContactUpdates {
  private readonly pending: ContactUpdate[] = [];
  private waiter: ((update: ContactUpdate) => void) | undefined;

  push(update: ContactUpdate): void {
    const waiter = this.waiter;
    if (waiter === undefined) {
      this.pending.push(update);
      return;
    }
    this.waiter = undefined;
    waiter(update);
  }

  /** The oldest buffered update, if any, without waiting. */
  take(): ContactUpdate | undefined {
    return this.pending.shift();
  }

  /** The next update; rejects with the signal's reason when aborted first. */
  next(signal: AbortSignal): Promise<ContactUpdate> {
    const buffered = this.pending.shift();
    if (buffered !== undefined) return Promise.resolve(buffered);
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const onAbort = () => {
        this.waiter = undefined;
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiter = (update) => {
        signal.removeEventListener('abort', onAbort);
        resolve(update);
      };
    });
  }
}
