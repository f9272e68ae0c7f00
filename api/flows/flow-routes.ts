import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import type { Clock } from '../../platform/clock.ts';
import {
  checkParsedDepth,
  checkYamlText,
  describeRefusal,
  maxFlowSourceBytes,
  type DocumentRefusal,
} from '../../platform/document-limits.ts';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { FlowRepository } from '../../sql/repositories/flow-repository.ts';
import { requireVisible } from '../access/access-scope-resolver.ts';
import { int4Max, timestamp, uuid, wholeNumber } from '../routes/common-schemas.ts';
import { defineRoute, type RouteDefinition } from '../routes/route-definition.ts';
import type { FlowValidator } from './flow-validator.ts';

const flowName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be a flow name');
const version = wholeNumber(1, int4Max);
const upload = z.union([
  z.object({
    format: z.literal('json').default('json'),
    definition: z.record(z.string(), z.unknown()),
  }),
  z.object({ format: z.literal('yaml'), source: z.string().min(1).max(1_000_000) }),
]);
const problems = z.array(z.object({ path: z.string(), message: z.string() }));
const versionView = z.object({
  id: uuid,
  name: z.string(),
  version: z.number(),
  published: z.boolean(),
  createdAt: timestamp,
  publishedAt: timestamp.nullable(),
  definition: z.record(z.string(), z.unknown()),
});

/** IVR flows: upload a version, validate it, publish it. Admin only. */
export function flowRoutes(deps: {
  flows: FlowRepository;
  validator: FlowValidator;
  clock: Clock;
}): RouteDefinition[] {
  const { flows } = deps;
  const check = (body: z.infer<typeof upload>) => {
    const definition = toDefinition(body);
    return { definition, problems: deps.validator.validate(definition) };
  };
  return [
    defineRoute({
      method: 'get',
      path: '/flows',
      tag: 'flows',
      summary: 'Every flow with its latest and published versions',
      minimumRole: 'admin',
      response: z.object({
        items: z.array(
          z.object({
            name: z.string(),
            latestVersion: z.number(),
            publishedVersion: z.number().nullable(),
          }),
        ),
      }),
      handler: async () => ({ body: { items: await flows.summaries() } }),
    }),
    defineRoute({
      method: 'post',
      path: '/flows/validate',
      tag: 'flows',
      summary: "Validate a flow without storing it; answers the validator's messages",
      minimumRole: 'admin',
      body: upload,
      response: z.object({ valid: z.boolean(), problems }),
      audit: { action: 'flow.validate', targetType: 'flow' },
      handler: ({ body }) => {
        const result = check(body);
        return Promise.resolve({
          body: { valid: result.problems.length === 0, problems: result.problems },
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/flows/:flowName/versions',
      tag: 'flows',
      summary: 'Upload a new version; refused with flow_invalid and every problem when invalid',
      minimumRole: 'admin',
      params: z.object({ flowName }),
      body: upload,
      response: versionView,
      successStatus: 201,
      audit: { action: 'flow.upload', targetType: 'flow' },
      handler: async ({ params, body, principal, auditDetails }) => {
        const { definition, problems: found } = check(body);
        if (found.length > 0) {
          throw new SwitchboardError('flow_invalid', `Flow has ${found.length} problem(s)`, {
            problems: found,
          });
        }
        const row = await flows.insertNextVersion({
          name: params.flowName,
          definition,
          source_format: body.format,
          created_by: principal.userId,
        });
        auditDetails({ version: row.version });
        return { body: toView(row) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/flows/:flowName/versions/:version',
      tag: 'flows',
      summary: 'One flow version with its definition',
      minimumRole: 'admin',
      params: z.object({ flowName, version }),
      response: versionView,
      handler: async ({ params }) => {
        const row = await flows.findVersion(params.flowName, params.version);
        requireVisible(row !== undefined, 'Flow version');
        return { body: toView(row!) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/flows/:flowName/versions/:version/publish',
      tag: 'flows',
      summary: 'Publish a version; live calls keep the version they started with',
      minimumRole: 'admin',
      params: z.object({ flowName, version }),
      body: z.object({}).strict(),
      response: versionView,
      audit: { action: 'flow.publish', targetType: 'flow' },
      authorize: async ({ params }) => {
        requireVisible(
          (await flows.findVersion(params.flowName, params.version)) !== undefined,
          'Flow version',
        );
      },
      handler: async ({ params, principal, auditTarget, auditDetails }) => {
        const existing = await flows.findVersion(params.flowName, params.version);
        const found = deps.validator.validate(existing!.definition);
        if (found.length > 0) {
          throw new SwitchboardError('flow_invalid', 'This version no longer validates', {
            problems: found,
          });
        }
        const row = await flows.publish(
          params.flowName,
          params.version,
          principal.userId,
          new Date(deps.clock.now()),
        );
        auditTarget(params.flowName);
        auditDetails({ version: params.version });
        return { body: toView(row!) };
      },
    }),
  ];
}

function toDefinition(body: z.infer<typeof upload>): Record<string, unknown> {
  if (body.format === 'json') return body.definition;
  // The JSON body was bounded before parsing (request-body-check.ts); the YAML
  // inside it is bounded here, before the YAML parser, and its value after.
  refuseSource(checkYamlText(body.source, 'body.source', maxFlowSourceBytes));
  let parsed: unknown;
  try {
    parsed = parseYaml(body.source);
  } catch (error) {
    throw new SwitchboardError('validation_failed', 'body.source: not valid YAML', {
      fields: [{ field: 'body.source', message: (error as Error).message }],
    });
  }
  refuseSource(checkParsedDepth(parsed, 'body.source'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SwitchboardError('validation_failed', 'body.source: must be a YAML mapping', {
      fields: [{ field: 'body.source', message: 'must be a YAML mapping' }],
    });
  }
  return parsed as Record<string, unknown>;
}

function refuseSource(refused: DocumentRefusal | undefined): void {
  if (refused === undefined) return;
  const message = describeRefusal(refused);
  throw new SwitchboardError('validation_failed', message, {
    fields: [{ field: 'body.source', message }],
  });
}

function toView(row: {
  id: string;
  name: string;
  version: number;
  published: boolean;
  created_at: Date;
  published_at: Date | null;
  definition: Record<string, unknown>;
}): z.infer<typeof versionView> {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    published: row.published,
    createdAt: row.created_at.toISOString(),
    publishedAt: row.published_at?.toISOString() ?? null,
    definition: row.definition,
  };
}
