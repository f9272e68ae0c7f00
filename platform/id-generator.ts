import { randomUUID } from 'node:crypto';

/**
 * Source of unique ids (calls, events, offers). Passed in so tests can make ids
 * predictable.
 */
export interface IdGenerator {
  next(): string;
}

export const uuidGenerator: IdGenerator = Object.freeze({ next: () => randomUUID() });

/** Predictable ids `prefix-1`, `prefix-2`, ... for tests and simulations. */
export class SequentialIdGenerator implements IdGenerator {
  private count = 0;
  constructor(private readonly prefix = 'id') {}
  next(): string {
    this.count += 1;
    return `${this.prefix}-${this.count}`;
  }
}
