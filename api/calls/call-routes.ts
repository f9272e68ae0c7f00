import { z } from 'zod';
import type { CallRepository } from '../../sql/repositories/call-repository.ts';
import { ownerFilterOf, requireVisible } from '../access/access-scope-resolver.ts';
import { scopeCovers } from '../access/access-scope.ts';
import { contactMaskerFor } from '../privacy/contact-masking.ts';
import { callPersonalFields, maskPersonalData } from '../privacy/personal-data.ts';
import { isoDateTime, limit, timestamp, uuid } from '../routes/common-schemas.ts';
import { defineRoute, type RouteDefinition } from '../routes/route-definition.ts';
import type { LiveCallControl } from '../live-call/live-call-control.ts';
import { decodeCallCursor, encodeCallCursor } from './call-cursor.ts';

const disposition = z.enum([
  'completed',
  'self-service',
  'abandoned',
  'voicemail',
  'transferred',
  'callback-requested',
  'no-answer',
  'busy',
  'failed',
  'rejected',
  'timed-out',
  'overflowed',
]);

const callView = z.object({
  id: uuid,
  direction: z.string(),
  from: z.string(),
  to: z.string(),
  did: z.string().nullable(),
  contactId: uuid.nullable(),
  queueId: uuid.nullable(),
  agentId: uuid.nullable(),
  startedAt: timestamp,
  answeredAt: timestamp.nullable(),
  bridgedAt: timestamp.nullable(),
  endedAt: timestamp.nullable(),
  disposition: disposition.nullable(),
  wrapUpCode: z.string().nullable(),
  hangupCause: z.string().nullable(),
});
export type CallView = z.infer<typeof callView>;

type CallRow = Awaited<ReturnType<CallRepository['list']>>[number];

/** Call records: filtered lists with cursor paging, and one call with legs, events, recordings. */
export function callRoutes(deps: {
  calls: CallRepository;
  /** Hold and mute of a call in progress (`controls` in GET /calls/:callId); absent: null. */
  controls?: Pick<LiveCallControl, 'controls'>;
}): RouteDefinition[] {
  const { calls } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/calls',
      tag: 'calls',
      summary: 'Calls newest first, filtered by time, queue, agent, disposition; cursor paging',
      minimumRole: 'agent',
      query: z.object({
        from: isoDateTime.optional(),
        to: isoDateTime.optional(),
        queueId: uuid.optional(),
        agentId: uuid.optional(),
        disposition: disposition.optional(),
        cursor: z.string().max(200).optional(),
        limit,
      }),
      response: z.object({ items: z.array(callView), nextCursor: z.string().nullable() }),
      handler: async ({ query, scope, principal }) => {
        const rows = await calls.list({
          owner: ownerFilterOf(await scope()),
          from: query.from === undefined ? undefined : new Date(query.from),
          to: query.to === undefined ? undefined : new Date(query.to),
          queueId: query.queueId,
          agentId: query.agentId,
          disposition: query.disposition,
          after: query.cursor === undefined ? undefined : decodeCallCursor(query.cursor),
          limit: query.limit + 1,
        });
        const page = rows.slice(0, query.limit);
        const last = page[page.length - 1];
        const mask = contactMaskerFor(principal);
        return {
          body: {
            items: page.map((r) => toCallView(r, mask.phone)),
            nextCursor:
              rows.length > query.limit && last !== undefined
                ? encodeCallCursor(last.started_at, last.id)
                : null,
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/calls/:callId',
      tag: 'calls',
      summary: 'One call with its legs, events and recordings',
      minimumRole: 'agent',
      params: z.object({ callId: uuid }),
      response: callView.extend({
        wrapUpNotes: z
          .string()
          .nullable()
          .describe("The agent's wrap-up notes, card numbers and national ids scrubbed"),
        legs: z.array(
          z.object({
            id: uuid,
            role: z.string(),
            userId: uuid.nullable(),
            startedAt: timestamp,
            answeredAt: timestamp.nullable(),
            endedAt: timestamp.nullable(),
            hangupCause: z.string().nullable(),
          }),
        ),
        events: z.array(
          z.object({
            eventId: z.string(),
            type: z.string(),
            occurredAt: timestamp,
            payload: z.unknown(),
          }),
        ),
        recordings: z.array(
          z.object({ id: uuid, durationMs: z.number(), bytes: z.number(), startedAt: timestamp }),
        ),
        controls: z
          .object({ held: z.boolean(), muted: z.boolean() })
          .nullable()
          .describe("The agent's hold and mute while the call is bridged to them; null otherwise"),
      }),
      authorize: async ({ params, scope }) => {
        const call = await calls.findById(params.callId);
        requireVisible(
          call !== undefined &&
            scopeCovers(await scope(), { agentId: call.agent_id, queueId: call.queue_id }),
          'Call',
        );
      },
      handler: async ({ params, principal }) => {
        const mask = contactMaskerFor(principal);
        const call = (await calls.findById(params.callId))!;
        const [legs, events, recordings, controls] = await Promise.all([
          calls.legs(call.id),
          calls.events(call.id),
          calls.recordings(call.id),
          call.ended_at === null ? deps.controls?.controls(call.id) : undefined,
        ]);
        return {
          body: {
            ...toCallView(call, mask.phone),
            wrapUpNotes: call.wrap_up_notes,
            legs: legs.map((l) => ({
              id: l.id,
              role: l.role,
              userId: l.user_id,
              startedAt: l.started_at.toISOString(),
              answeredAt: l.answered_at?.toISOString() ?? null,
              endedAt: l.ended_at?.toISOString() ?? null,
              hangupCause: l.hangup_cause,
            })),
            events: events.map((e) => ({
              eventId: e.event_id,
              type: e.type,
              occurredAt: e.occurred_at.toISOString(),
              // The timeline carries the call's numbers too (call.started's from and to).
              payload: maskPersonalData(e.payload, mask, callPersonalFields),
            })),
            recordings: recordings.map((r) => ({
              id: r.id,
              durationMs: r.duration_ms,
              bytes: Number(r.bytes),
              startedAt: r.started_at.toISOString(),
            })),
            controls: controls ?? null,
          },
        };
      },
    }),
  ];
}

export function toCallView(row: CallRow, maskPhone: (v: string) => string): CallView {
  return {
    id: row.id,
    direction: row.direction,
    from: maskPhone(row.from_number),
    to: maskPhone(row.to_number),
    did: row.did,
    contactId: row.contact_id,
    queueId: row.queue_id,
    agentId: row.agent_id,
    startedAt: row.started_at.toISOString(),
    answeredAt: row.answered_at?.toISOString() ?? null,
    bridgedAt: row.bridged_at?.toISOString() ?? null,
    endedAt: row.ended_at?.toISOString() ?? null,
    disposition: row.disposition,
    wrapUpCode: row.wrap_up_code,
    hangupCause: row.hangup_cause,
  };
}
