import { z } from 'zod';
import type { RouteDefinition } from '../routes/route-definition.ts';

type JsonSchema = Record<string, unknown>;

const errorSchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          enum: [
            'validation_failed',
            'flow_invalid',
            'not_found',
            'conflict',
            'forbidden',
            'unauthenticated',
            'rate_limited',
            'unavailable',
            'internal',
          ],
        },
        message: { type: 'string' },
        details: {
          description: 'For validation_failed: `fields`, each `{ field, message }`.',
        },
      },
    },
  },
};

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate
 * requests (zod's own JSON Schema output), so the contract cannot drift.
 */
export function buildOpenApiDocument(
  routes: readonly RouteDefinition[],
  info: { title: string; version: string; serverUrl: string },
): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const parameters = [
      ...objectParameters(route.params, 'path'),
      ...objectParameters(route.query, 'query'),
    ];
    const success = String(route.successStatus ?? (route.method === 'delete' ? 204 : 200));
    const responses: Record<string, unknown> = {
      [success]: {
        description: 'Success',
        ...(route.produces !== undefined
          ? { content: { [route.produces]: { schema: { type: 'string', format: 'binary' } } } }
          : route.response !== undefined
            ? { content: { 'application/json': { schema: toSchema(route.response, 'output') } } }
            : {}),
      },
      default: {
        description: 'Error (see the code)',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    };
    (paths[path] ??= {})[route.method] = {
      operationId: operationId(route),
      summary: route.summary,
      tags: [route.tag],
      security: route.minimumRole === 'public' ? [] : [{ session: [] }, { bearer: [] }],
      'x-minimum-role': route.minimumRole,
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body !== undefined
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: toSchema(route.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version },
    servers: [{ url: info.serverUrl }],
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'sb_session' },
        bearer: { type: 'http', scheme: 'bearer', description: 'API token (sbt_...)' },
      },
    },
  };
}

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
  delete json.$schema;
  return json;
}

function objectParameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (schema === undefined) return [];
  const json = toSchema(schema, 'input') as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

function operationId(route: RouteDefinition): string {
  const words = route.path
    .split('/')
    .filter((p) => p !== '')
    .map((p) => (p.startsWith(':') ? `by-${p.slice(1)}` : p));
  return [route.method, ...words].join('-').replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
}
