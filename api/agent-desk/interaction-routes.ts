import { z } from 'zod';
import type { CallRepository } from '../../sql/repositories/call-repository.ts';
import { decodeCallCursor, encodeCallCursor } from '../calls/call-cursor.ts';
import { contactMaskerFor } from '../privacy/contact-masking.ts';
import { timestamp, uuid, wholeNumber } from '../routes/common-schemas.ts';
import { invalidField } from '../routes/request-validation.ts';
import { defineRoute, type RouteDefinition } from '../routes/route-definition.ts';

const interactionView = z.object({
  callId: uuid,
  direction: z.string(),
  /** The other party: the caller of an inbound call, the number dialled otherwise. */
  customerNumber: z.string().describe('Masked unless the role may see full numbers'),
  startedAt: timestamp,
  answeredAt: timestamp.nullable(),
  endedAt: timestamp.nullable(),
  durationSeconds: z
    .number()
    .nullable()
    .describe('From start to end, whole seconds; null while the call is live'),
  queueId: uuid.nullable(),
  queueName: z.string().nullable().describe('The display name, or the routing name when none'),
  disposition: z.string().nullable(),
  wrapUpCode: z.string().nullable(),
  wrapUpNotes: z.string().nullable(),
  recordingId: uuid.nullable(),
  contactId: uuid.nullable(),
});

type HandledCall = Awaited<ReturnType<CallRepository['handledBy']>>[number];

/** The agent's own recent calls, for the desktop's history pane. */
export function interactionRoutes(deps: { calls: CallRepository }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/agent/interactions',
      tag: 'agent-desk',
      summary: 'My recent calls (those I handled), newest first; cursor paging with before',
      minimumRole: 'agent',
      query: z.object({
        limit: wholeNumber(1, 100).default(20),
        before: z.string().max(200).optional().describe('nextCursor of the previous page'),
      }),
      response: z.object({ items: z.array(interactionView), nextCursor: z.string().nullable() }),
      handler: async ({ principal, query }) => {
        const rows = await deps.calls.handledBy(principal.userId, {
          ...(query.before === undefined ? {} : { after: beforeCursor(query.before) }),
          limit: query.limit + 1,
        });
        const page = rows.slice(0, query.limit);
        const last = page.at(-1);
        const mask = contactMaskerFor(principal);
        return {
          body: {
            items: page.map((row) => toInteraction(row, mask.phone)),
            nextCursor:
              rows.length > query.limit && last !== undefined
                ? encodeCallCursor(last.started_at, last.id)
                : null,
          },
        };
      },
    }),
  ];
}

/** The cursor of GET /calls, named here by its query parameter. */
function beforeCursor(text: string) {
  try {
    return decodeCallCursor(text);
  } catch {
    throw invalidField('query.before', 'not a cursor from this API');
  }
}

function toInteraction(row: HandledCall, maskPhone: (v: string) => string) {
  const ended = row.ended_at;
  return {
    callId: row.id,
    direction: row.direction,
    customerNumber: maskPhone(row.direction === 'inbound' ? row.from_number : row.to_number),
    startedAt: row.started_at.toISOString(),
    answeredAt: row.answered_at?.toISOString() ?? null,
    endedAt: ended?.toISOString() ?? null,
    durationSeconds:
      ended === null ? null : Math.round((ended.getTime() - row.started_at.getTime()) / 1000),
    queueId: row.queue_id,
    // The name people gave the queue, else its routing name.
    queueName: row.queue_display_name === '' ? row.queue_name : row.queue_display_name,
    disposition: row.disposition,
    wrapUpCode: row.wrap_up_code,
    wrapUpNotes: row.wrap_up_notes,
    recordingId: row.recording_id,
    contactId: row.contact_id,
  };
}
