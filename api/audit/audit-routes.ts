import { z } from 'zod';
import type { AuditRepository } from '../../sql/repositories/audit-repository.ts';
import { contactMaskerFor } from '../privacy/contact-masking.ts';
import { maskPersonalData } from '../privacy/personal-data.ts';
import { bigintId, isoDateTime, limit, timestamp, uuid } from '../routes/common-schemas.ts';
import { defineRoute, type RouteDefinition } from '../routes/route-definition.ts';

const entryView = z.object({
  id: z.string(),
  actorId: uuid.nullable(),
  actorLabel: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  occurredAt: timestamp,
  sourceAddress: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

/** The audit log, newest first, for admins. */
export function auditRoutes(deps: { audit: AuditRepository }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/audit',
      tag: 'audit',
      summary: 'Query the audit log by actor, action, target and time (newest first)',
      minimumRole: 'admin',
      query: z.object({
        actorId: uuid.optional(),
        action: z.string().max(100).optional(),
        targetType: z.string().max(100).optional(),
        targetId: z.string().max(200).optional(),
        from: isoDateTime.optional(),
        to: isoDateTime.optional(),
        before: bigintId.optional(),
        limit,
      }),
      response: z.object({ items: z.array(entryView), nextBefore: z.string().nullable() }),
      handler: async ({ query, principal }) => {
        // Details can name a customer's number (a transfer's target): masked for tokens without pii.
        const mask = contactMaskerFor(principal);
        const rows = await deps.audit.list({
          actorId: query.actorId,
          action: query.action,
          targetType: query.targetType,
          targetId: query.targetId,
          from: query.from === undefined ? undefined : new Date(query.from),
          to: query.to === undefined ? undefined : new Date(query.to),
          beforeId: query.before,
          limit: query.limit,
        });
        const last = rows[rows.length - 1];
        return {
          body: {
            items: rows.map((r) => ({
              id: String(r.id),
              actorId: r.actor_id,
              actorLabel: r.actor_label,
              action: r.action,
              targetType: r.target_type,
              targetId: r.target_id,
              occurredAt: r.occurred_at.toISOString(),
              sourceAddress: r.source_address,
              details: maskPersonalData(r.details, mask) as Record<string, unknown>,
            })),
            nextBefore: rows.length === query.limit && last !== undefined ? String(last.id) : null,
          },
        };
      },
    }),
  ];
}
