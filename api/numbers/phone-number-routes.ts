import { z } from 'zod';
import type { PhoneNumberRepository } from '../../sql/repositories/phone-number-repository.ts';
import { requireVisible } from '../access/access-scope-resolver.ts';
import { timestamp, uuid } from '../routes/common-schemas.ts';
import { defineRoute, type RouteDefinition } from '../routes/route-definition.ts';

const numberView = z.object({
  id: uuid,
  number: z.string(),
  flowName: z.string(),
  description: z.string(),
  createdAt: timestamp,
});

/** Phone numbers (DIDs) and the flow each one runs. */
export function phoneNumberRoutes(deps: { numbers: PhoneNumberRepository }): RouteDefinition[] {
  const { numbers } = deps;
  const toView = (r: {
    id: string;
    number: string;
    flow_name: string;
    description: string;
    created_at: Date;
  }) => ({
    id: r.id,
    number: r.number,
    flowName: r.flow_name,
    description: r.description,
    createdAt: r.created_at.toISOString(),
  });
  return [
    defineRoute({
      method: 'get',
      path: '/phone-numbers',
      tag: 'phone-numbers',
      summary: 'Every phone number and its flow',
      minimumRole: 'admin',
      response: z.object({ items: z.array(numberView) }),
      handler: async () => ({ body: { items: (await numbers.list()).map(toView) } }),
    }),
    defineRoute({
      method: 'post',
      path: '/phone-numbers',
      tag: 'phone-numbers',
      summary: 'Point a phone number at a flow',
      minimumRole: 'admin',
      body: z.object({
        number: z.string().regex(/^\+?[0-9]{2,20}$/, 'must be E.164 digits, e.g. +15551230000'),
        flowName: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a flow name'),
        description: z.string().max(500).optional(),
      }),
      response: numberView,
      successStatus: 201,
      audit: { action: 'phone-number.create', targetType: 'phone-number' },
      handler: async ({ body }) => ({
        body: toView(
          await numbers.insert({
            number: body.number,
            flow_name: body.flowName,
            description: body.description,
          }),
        ),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/phone-numbers/:phoneNumberId',
      tag: 'phone-numbers',
      summary: 'Release a phone number',
      minimumRole: 'admin',
      params: z.object({ phoneNumberId: uuid }),
      audit: { action: 'phone-number.delete', targetType: 'phone-number' },
      authorize: async ({ params }) => {
        requireVisible((await numbers.findById(params.phoneNumberId)) !== undefined, 'Number');
      },
      handler: async ({ params }) => {
        await numbers.delete(params.phoneNumberId);
        return { status: 204, body: undefined };
      },
    }),
  ];
}
