import { z } from 'zod';
import type { TicketRepository } from '../../sql/repositories/ticket-repository.ts';
import { ownerFilterOf, requireVisible } from '../access/access-scope-resolver.ts';
import { scopeCovers } from '../access/access-scope.ts';
import { isoTime, limit, timestamp, uuid } from '../routes/common-schemas.ts';
import { defineRoute, type RouteDefinition } from '../routes/route-definition.ts';

const status = z.enum(['new', 'open', 'pending', 'on-hold', 'solved', 'closed']);
const priority = z.enum(['low', 'normal', 'high', 'urgent']);
const ticketView = z.object({
  id: uuid,
  number: z.string(),
  subject: z.string(),
  status,
  priority,
  requesterId: uuid.nullable(),
  assigneeId: uuid.nullable(),
  queueId: uuid.nullable(),
  resolutionDueAt: timestamp.nullable(),
  updatedAt: timestamp,
});

/** A list row (times as text) or a whole row (times as Dates). */
type TicketRow = Omit<
  Awaited<ReturnType<TicketRepository['list']>>[number],
  'resolution_due_at' | 'updated_at'
> & { readonly resolution_due_at: Date | string | null; readonly updated_at: Date | string };

/** Tickets: an agent's own and their queues'; status, priority and assignment changes. */
export function ticketRoutes(deps: { tickets: TicketRepository }): RouteDefinition[] {
  const { tickets } = deps;
  const visible = async ({
    params,
    scope,
  }: {
    params: { ticketId: string };
    scope: () => Promise<Parameters<typeof scopeCovers>[0]>;
  }) => {
    const row = await tickets.findById(params.ticketId);
    requireVisible(
      row !== undefined &&
        scopeCovers(await scope(), { agentId: row.assignee_id, queueId: row.queue_id }),
      'Ticket',
    );
  };
  return [
    defineRoute({
      method: 'get',
      path: '/tickets',
      tag: 'tickets',
      summary: 'My tickets: assigned to me or in my queues (recently updated first)',
      minimumRole: 'agent',
      query: z.object({ status: status.optional(), limit }),
      response: z.object({ items: z.array(ticketView) }),
      handler: async ({ query, scope }) => {
        const rows = await tickets.list({
          owner: ownerFilterOf(await scope()),
          status: query.status,
          limit: query.limit,
        });
        return { body: { items: rows.map(toTicketView) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/tickets/:ticketId',
      tag: 'tickets',
      summary: 'One ticket with its history',
      minimumRole: 'agent',
      params: z.object({ ticketId: uuid }),
      response: ticketView.extend({
        events: z.array(
          z.object({ type: z.string(), occurredAt: timestamp, details: z.unknown() }),
        ),
      }),
      authorize: visible,
      handler: async ({ params }) => {
        const row = (await tickets.findById(params.ticketId))!;
        const events = await tickets.events(row.id);
        return {
          body: {
            ...toTicketView(row),
            events: events.map((e) => ({
              type: e.type,
              occurredAt: e.occurred_at.toISOString(),
              details: e.details,
            })),
          },
        };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/tickets/:ticketId',
      tag: 'tickets',
      summary: "Change a ticket's status, priority or assignee",
      minimumRole: 'agent',
      params: z.object({ ticketId: uuid }),
      body: z
        .object({
          status: status.optional(),
          priority: priority.optional(),
          assigneeId: uuid.nullable().optional(),
        })
        .refine((b) => Object.keys(b).length > 0, { message: 'change at least one field' }),
      response: ticketView,
      audit: { action: 'ticket.update', targetType: 'ticket' },
      authorize: visible,
      handler: async ({ params, body, principal, scope, auditDetails }) => {
        const before = (await tickets.findById(params.ticketId))!;
        // Agents may take a ticket or hand it back, not give it to someone else.
        if (body.assigneeId != null) {
          const s = await scope();
          requireVisible(s.all || s.agentIds.includes(body.assigneeId), 'Assignee');
        }
        const events: {
          type: 'status-changed' | 'priority-changed' | 'assigned';
          details: object;
        }[] = [];
        if (body.status !== undefined && body.status !== before.status)
          events.push({
            type: 'status-changed',
            details: { from: before.status, to: body.status },
          });
        if (body.priority !== undefined && body.priority !== before.priority)
          events.push({
            type: 'priority-changed',
            details: { from: before.priority, to: body.priority },
          });
        if (body.assigneeId !== undefined && body.assigneeId !== before.assignee_id)
          events.push({
            type: 'assigned',
            details: { from: before.assignee_id, to: body.assigneeId },
          });
        const solving = body.status === 'solved' && before.status !== 'solved';
        const row = await tickets.update(
          params.ticketId,
          {
            status: body.status,
            priority: body.priority,
            assignee_id: body.assigneeId,
            solved_at: solving ? new Date() : undefined,
          },
          events,
          principal.userId,
        );
        auditDetails({ changes: body });
        return { body: toTicketView(row!) };
      },
    }),
  ];
}

export function toTicketView(row: TicketRow): z.infer<typeof ticketView> {
  return {
    id: row.id,
    number: String(row.number),
    subject: row.subject,
    status: row.status,
    priority: row.priority,
    requesterId: row.requester_id,
    assigneeId: row.assignee_id,
    queueId: row.queue_id,
    resolutionDueAt: row.resolution_due_at === null ? null : isoTime(row.resolution_due_at),
    updatedAt: isoTime(row.updated_at),
  };
}
