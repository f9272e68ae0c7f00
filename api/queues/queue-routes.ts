import { z } from 'zod';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { QueueRepository, QueueRow } from '../../sql/repositories/queue-repository.ts';
import { requireVisible } from '../access/access-scope-resolver.ts';
import { uuid } from '../routes/common-schemas.ts';
import { defineRoute, type RouteDefinition } from '../routes/route-definition.ts';

const strategy = z.enum([
  'longest-idle',
  'round-robin',
  'top-down',
  'fewest-calls',
  'least-talk-time',
  'ring-all',
  'random',
]);

const settings = {
  displayName: z.string().max(200),
  strategy,
  ringTimeoutSeconds: z.number().int().min(5).max(300),
  maxWaitSeconds: z.number().int().min(10).max(86_400),
  overflowQueueId: uuid.nullable(),
  wrapUpSeconds: z.number().int().min(0).max(3600),
  serviceLevelPercent: z.number().int().min(1).max(100),
  serviceLevelSeconds: z.number().int().min(1).max(3600),
  maxMissedOffers: z.number().int().min(1).max(100),
  teamId: uuid.nullable(),
  wrapUpCodeRequired: z
    .boolean()
    .describe('An agent must give a disposition code to end wrap-up on this queue'),
};
const settingsSchema = z.object(settings).partial();

const queueView = z.object({ id: uuid, name: z.string(), ...settings });
const memberList = z.object({ items: z.array(z.object({ userId: uuid, position: z.number() })) });

/** Queues: routing settings, membership, and who may see them. */
export function queueRoutes(deps: { queues: QueueRepository }): RouteDefinition[] {
  const { queues } = deps;
  const visible = async ({
    params,
    scope,
  }: {
    params: { queueId: string };
    scope: () => Promise<{ all: boolean; queueIds: readonly string[] }>;
  }) => {
    const s = await scope();
    requireVisible(s.all || s.queueIds.includes(params.queueId), 'Queue');
    requireVisible((await queues.findById(params.queueId)) !== undefined, 'Queue');
  };
  return [
    defineRoute({
      method: 'get',
      path: '/queues',
      tag: 'queues',
      summary: "Queues: an agent's own, a supervisor's teams', or all",
      minimumRole: 'agent',
      response: z.object({ items: z.array(queueView) }),
      handler: async ({ scope }) => {
        const s = await scope();
        return { body: { items: (await queues.list(s.all ? undefined : s.queueIds)).map(toView) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/queues',
      tag: 'queues',
      summary: 'Create a queue',
      minimumRole: 'admin',
      body: settingsSchema.extend({
        name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, _ and -'),
      }),
      response: queueView,
      successStatus: 201,
      audit: { action: 'queue.create', targetType: 'queue' },
      handler: async ({ body }) => ({
        body: toView(await queues.insert({ name: body.name, ...toColumns(body) })),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/queues/:queueId',
      tag: 'queues',
      summary: 'One queue with members and default skills',
      minimumRole: 'agent',
      params: z.object({ queueId: uuid }),
      response: queueView.extend({
        members: memberList.shape.items,
        skills: z.array(z.object({ skillId: uuid, name: z.string(), minLevel: z.number() })),
      }),
      authorize: visible,
      handler: async ({ params }) => {
        const row = await queues.findById(params.queueId);
        if (row === undefined) throw new SwitchboardError('not_found', 'Queue not found');
        const [members, skills] = await Promise.all([
          queues.members(row.id),
          queues.skills(row.id),
        ]);
        return { body: { ...toView(row), members, skills } };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/queues/:queueId',
      tag: 'queues',
      summary: "Change a queue's routing settings",
      minimumRole: 'admin',
      params: z.object({ queueId: uuid }),
      body: settingsSchema,
      response: queueView,
      audit: { action: 'queue.update', targetType: 'queue' },
      authorize: visible,
      handler: async ({ params, body, auditDetails }) => {
        auditDetails({ changes: body });
        const row = await queues.update(params.queueId, toColumns(body));
        if (row === undefined) throw new SwitchboardError('not_found', 'Queue not found');
        return { body: toView(row) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/queues/:queueId/members',
      tag: 'queues',
      summary: "Replace a queue's agents (position orders top-down ringing)",
      minimumRole: 'admin',
      params: z.object({ queueId: uuid }),
      body: z.object({
        members: z
          .array(
            z.object({
              userId: uuid,
              // queue_members.position is a Postgres integer.
              position: z.number().int().min(0).max(2_147_483_647).default(0),
            }),
          )
          .max(5000),
      }),
      response: memberList,
      audit: { action: 'queue.set-members', targetType: 'queue' },
      authorize: visible,
      handler: async ({ params, body, auditDetails }) => {
        await queues.replaceMembers(params.queueId, body.members);
        auditDetails({ members: body.members.length });
        return { body: { items: await queues.members(params.queueId) } };
      },
    }),
  ];
}

function toColumns(body: z.infer<typeof settingsSchema>) {
  return {
    display_name: body.displayName,
    strategy: body.strategy,
    ring_timeout_seconds: body.ringTimeoutSeconds,
    max_wait_seconds: body.maxWaitSeconds,
    overflow_queue_id: body.overflowQueueId,
    wrap_up_seconds: body.wrapUpSeconds,
    service_level_percent: body.serviceLevelPercent,
    service_level_seconds: body.serviceLevelSeconds,
    max_missed_offers: body.maxMissedOffers,
    team_id: body.teamId,
    wrap_up_code_required: body.wrapUpCodeRequired,
  };
}

function toView(row: QueueRow): z.infer<typeof queueView> {
  return {
    id: row.id,
    name: row.name,
    displayName: row.display_name,
    strategy: row.strategy,
    ringTimeoutSeconds: row.ring_timeout_seconds,
    maxWaitSeconds: row.max_wait_seconds,
    overflowQueueId: row.overflow_queue_id,
    wrapUpSeconds: row.wrap_up_seconds,
    serviceLevelPercent: row.service_level_percent,
    serviceLevelSeconds: row.service_level_seconds,
    maxMissedOffers: row.max_missed_offers,
    teamId: row.team_id,
    wrapUpCodeRequired: row.wrap_up_code_required,
  };
}
