import type { Redis } from 'ioredis';
import type { Clock } from '../../platform/clock.ts';
import type { AuthKeys } from '../auth/auth-keys.ts';

export interface AuditBudgetPolicy {
  /** Entries of one kind about one subject written per clock minute; the rest are counted. */
  readonly entriesPerMinute: number;
}

/**
 * Ten a minute per source address or user: enough to see an attack start
 * and who is behind it, while a flood grows the audit log by at most 14,400
 * entries a day per subject instead of without limit.
 */
export const defaultAuditBudgetPolicy: AuditBudgetPolicy = Object.freeze({ entriesPerMinute: 10 });

/** Whether to write an entry now, and if so how many like it were left out before it. */
export type AuditAdmission =
  { readonly admitted: false } | { readonly admitted: true; readonly suppressed: number };

/** A suppressed count is kept this long waiting for the next written entry to carry it. */
const suppressedTtlSeconds = 24 * 3600;

/**
 * Bounds the audit entries that anyone can cause without an account (failed
 * log-ins) or with one (refused requests), per kind and subject, in Redis so
 * every API instance shares the count. Entries past the budget are not
 * written but counted; the next entry written for that subject carries the
 * count (`details.suppressed`), so the log still says how many there were.
 *
 * @example
 * const admission = await budget.admit('login', sourceAddress);
 * if (admission.admitted) await audit.record({ ..., details: { suppressed: admission.suppressed } });
 */
export class AuditBudget {
  constructor(
    private readonly redis: Redis,
    private readonly keys: AuthKeys,
    private readonly clock: Clock,
    private readonly policy: AuditBudgetPolicy = defaultAuditBudgetPolicy,
  ) {}

  async admit(kind: string, subject: string): Promise<AuditAdmission> {
    const minute = Math.floor(this.clock.now() / 60_000);
    const window = this.keys.auditWindow(kind, subject, minute);
    const suppressedKey = this.keys.auditSuppressed(kind, subject);
    const counted = await this.redis.multi().incr(window).expire(window, 120).exec();
    const count = Number(counted?.[0]?.[1] ?? 0);
    if (count > this.policy.entriesPerMinute) {
      await this.redis
        .multi()
        .incr(suppressedKey)
        .expire(suppressedKey, suppressedTtlSeconds)
        .exec();
      return { admitted: false };
    }
    const taken = await this.redis.multi().get(suppressedKey).del(suppressedKey).exec();
    return { admitted: true, suppressed: Number(taken?.[0]?.[1] ?? 0) };
  }
}
