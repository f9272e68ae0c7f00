/**
 * A routing timer: an offer's ring timeout, a contact's max wait, an agent's
 * wrap-up end, the end of an agent's back-off after an unreachable device. Each is written to Redis (AcdKeys.deadlines) by the same
 * script that creates the state it guards, so no timer can be lost; a
 * {@link DeadlineScheduler} makes it fire on time and the reconciler's sweep
 * fires any that were missed (process down, scheduler unreachable).
 */
export type DeadlineKind = 'ring' | 'maxwait' | 'wrap' | 'backoff';

export interface Deadline {
  readonly kind: DeadlineKind;
  /** Offer id (ring), contact id (maxwait) or agent id (wrap, backoff). */
  readonly id: string;
  /** Ms since the epoch. */
  readonly dueAt: number;
}

/** Arranges for deadlines to be fired at their due time. */
export interface DeadlineScheduler {
  /** Resolves once the deadlines are durably scheduled. */
  schedule(deadlines: readonly Deadline[]): Promise<void>;
}

const kinds = new Set<string>(['ring', 'maxwait', 'wrap', 'backoff']);

/** Reads a `kind|id` member of the deadlines sorted set. */
export function parseDeadline(member: string, dueAt: number): Deadline | null {
  const bar = member.indexOf('|');
  const kind = member.slice(0, bar);
  if (bar < 0 || !kinds.has(kind)) return null;
  return { kind: kind as DeadlineKind, id: member.slice(bar + 1), dueAt };
}
