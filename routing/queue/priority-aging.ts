/**
 * Priority with aging. A contact's rank (lower is served first) is
 *
 *     rank = enqueuedAt + (priority - 1) * agingStepMs
 *
 * i.e. each priority level below 1 counts as arriving `agingStepMs` later.
 * Waiting improves a contact's standing against everyone who arrives after
 * it: a priority-5 contact that has waited 4 steps outranks any new arrival,
 * however urgent, so no contact starves (at most 4 steps' worth of later,
 * more urgent arrivals can pass it). Within one priority the rank is the
 * arrival time, so service is first in, first out (ties by ticket).
 *
 * The rank is fixed at enqueue, which is why nothing is ever re-scored: the
 * ordering "effective wait = wait - (priority - 1) * step" changes for all
 * contacts at the same speed. The enqueue script (scripts/enqueue-3.lua)
 * computes the same expression.
 *
 * @example
 * contactRank(0, 1, 60_000) // 0
 * contactRank(0, 3, 60_000) // 120000: served after a priority-1 contact arriving within 2 min
 */
export function contactRank(enqueuedAt: number, priority: number, agingStepMs: number): number {
  return enqueuedAt + (priority - 1) * agingStepMs;
}
