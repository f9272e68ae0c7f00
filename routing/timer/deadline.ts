/**
 * A routing timer: an offer's ring timeout, a contact's max wait, an agent's
 * wrap-up end. Each is written to Redis (AcdKeys.deadlines) by the same
 * script that creates the state it guards, so no timer can be lost; a
 * {@link DeadlineScheduler} makes it fire on time and the reconciler's sweep
 * fires any that were missed (process down, scheduler unreachable).
 */
export type DeadlineKind = 'ring' | 'maxwait' | 'wrap';

export interface Deadline {
  readonly kind: DeadlineKind;
  /** Offer id (ring), contact id (maxwait) or agent id (wrap). */
  readonly id: string;
  /** Ms since the epoch. */
  readonly dueAt: number;
}

/** Arranges for deadlines to be fired at their due time. */
export interface DeadlineScheduler {
  /** Resolves once the deadlines are durably scheduled. */
  schedule(deadlines: readonly Deadline[]): Promise<void>;
}

const kinds = new Set<string>(['ring', 'maxwait', 'wrap']);

/** Reads a `kind|id` member of the deadlines sorted set. */
export function parseDeadline(member: string, dueAt: number): Deadline | null {
  const bar = member.indexOf('|');
  const kind = member.slice(0, bar);
  if (bar < 0 || !kinds.has(kind)) return null;
  return { kind: kind as DeadlineKind, id: member.slice(bar + 1), dueAt };
}
