import type { Logger } from '../../platform/logger.ts';
import type { Principal } from '../access/principal.ts';
import type { AuditBudget } from './audit-budget.ts';
import type { AuditTrail } from './audit-trail.ts';

/** What a refusal is told about the request: an express request fits, and so does an upgrade's. */
export interface RefusedRequest {
  readonly ip?: string | undefined;
  readonly method: string;
  readonly path: string;
  readonly log: Pick<Logger, 'warn' | 'error'>;
}

/**
 * Refused requests (403: a role or token scope too small, a cross-site
 * write, a token asking for more than its creator holds; an event socket
 * refused for its scope, its origin or one too many) are logged and
 * audited as `access.denied`, within the audit budget per user (or per
 * source address when nobody is logged in), so probing shows in the audit
 * log without anyone being able to flood it.
 */
export class AccessDenials {
  constructor(
    private readonly audit: AuditTrail,
    private readonly budget: AuditBudget,
  ) {}

  /**
   * Records one refusal of `req` to `principal` (null: not logged in) on the
   * route declared as `routePath`. Never throws: the caller's 403 must
   * leave even when the audit log cannot be written.
   */
  async record(
    req: RefusedRequest,
    principal: Principal | null,
    routePath: string,
    reason: string,
  ): Promise<void> {
    const address = req.ip ?? 'unknown';
    try {
      const admission = await this.budget.admit('denied', principal?.userId ?? address);
      if (!admission.admitted) return;
      const target = `${req.method} ${routePath}`;
      req.log.warn({ userId: principal?.userId ?? null, target, reason }, 'access denied');
      await this.audit.record({
        actor: principal ?? { label: `anonymous at ${address}` },
        action: 'access.denied',
        targetType: 'route',
        targetId: target,
        sourceAddress: address,
        // The path without its query: a query may hold a customer's number.
        details: {
          reason: reason.slice(0, 500),
          path: req.path.slice(0, 500),
          ...(admission.suppressed > 0 ? { suppressed: admission.suppressed } : {}),
        },
      });
    } catch (error) {
      req.log.error({ err: error }, 'access denial not audited');
    }
  }
}
