/**
 * Hostile path parameters and query strings against every API route, as
 * admin, over real HTTP against real Postgres, Redis and routing
 * (test/api-test-server.ts); the sibling of hostile-bodies.test.ts.
 *
 * Each parameter and query field in turn gets each hostile value while the
 * rest of the request stays valid: numbers past int4 and int8, negative,
 * NaN, Infinity, 1e309, fractions, hex, padded and full-width digits,
 * malformed UUIDs, impossible and out-of-range dates, very long text,
 * repeated keys. Never a 5xx; a 400 names the field it is about; and a
 * field typed as a number, UUID or time refuses every one of these values
 * (the route's own values and `0` aside) with a 400 naming it.
 * Every value is fixed (no randomness), so a failure reproduces as is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { apiBasePath } from './api-router.ts';
import type { RouteDefinition } from './routes/route-definition.ts';
import { startApiTestServer, type ApiTestServer } from '../test/api-test-server.ts';
import { fillPath, routeParams } from './test-hostile-body-fixtures.ts';

let t: ApiTestServer;
let admin: string;
let params: Record<string, string>;

beforeAll(async () => {
  t = await startApiTestServer();
  admin = await t.login(t.emails.admin!);
  params = await routeParams(t, admin);
});

afterAll(async () => {
  await t.close();
});

/** Values no number, UUID or time field may accept. */
const malformed: readonly string[] = [
  '',
  ' ',
  '-1',
  '-0',
  '2147483648',
  '9223372036854775808',
  '99999999999999999999999999999999',
  '1e309',
  '1e3',
  'NaN',
  'Infinity',
  '1.5',
  '0x10',
  ' 1',
  '1 ',
  '１',
  'not-a-uuid',
  '00000000-0000-0000-0000-00000000000g',
  '{00000000-0000-0000-0000-000000000000}',
  '2024-02-31T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '2024-13-01T00:00:00Z',
  '2024-01-01',
  // Long, yet short enough that twice over it stays within Node's 16 KiB of headers.
  'x'.repeat(6_000),
];
/** Probed as well, though some fields accept them. */
const probes: readonly string[] = ['0', '1', '%'];

type FieldKind = 'number' | 'bigint' | 'uuid' | 'time' | 'text';

/** What a field is, by what its schema accepts: the test follows the routes, not a list. */
function kindOf(schema: z.ZodType | undefined): FieldKind {
  if (schema === undefined) return 'text';
  const accepts = (value: string) => schema.safeParse(value).success;
  if (accepts('x')) return 'text';
  if (accepts('00000000-0000-4000-8000-000000000000')) return 'uuid';
  if (accepts('2026-01-01T00:00:00Z')) return 'time';
  if (accepts('9223372036854775807')) return 'bigint';
  if (accepts('1') || accepts('2')) return 'number';
  return 'text';
}

interface Target {
  readonly route: RouteDefinition;
  readonly part: 'params' | 'query';
  readonly name: string;
  readonly kind: FieldKind;
}

function targets(): Target[] {
  const shapeOf = (schema: z.ZodType | undefined) =>
    (schema as { shape?: Record<string, z.ZodType> } | undefined)?.shape ?? {};
  return t.api.routes
    .filter((route) => route.path !== '/auth/logout')
    .flatMap((route) => [
      ...Object.entries(shapeOf(route.params)).map(([name, schema]) => ({
        route,
        part: 'params' as const,
        name,
        kind: kindOf(schema),
      })),
      ...Object.entries(shapeOf(route.query)).map(([name, schema]) => ({
        route,
        part: 'query' as const,
        name,
        kind: kindOf(schema),
      })),
    ]);
}

/** The request with `value` in the target's place; `value` is raw text, encoded here. */
async function send(target: Target, value: string, repeat = false) {
  const { route, part, name } = target;
  let path = fillPath(route.path, params);
  let query = '';
  if (part === 'params') {
    path = fillPath(route.path, {
      ...params,
      [name]: value === '' ? '%20' : encodeURIComponent(value),
    });
  } else {
    const pair = `${name}=${value === '%' ? '%' : encodeURIComponent(value)}`;
    query = `?${pair}${repeat ? `&${pair}` : ''}`;
  }
  const response = await fetch(`${t.url}${apiBasePath}${path}${query}`, {
    method: route.method.toUpperCase(),
    headers: { cookie: admin, 'content-type': 'application/json' },
    body: route.method === 'get' ? undefined : '{}',
  });
  const text = await response.text();
  let message = '';
  try {
    message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? '';
  } catch {
    // Not JSON (a recording): no message.
  }
  return { status: response.status, text, message };
}

describe('hostile path parameters and query strings', () => {
  it('never answer 5xx, name the field in every 400, and refuse malformed numbers, ids and times', async () => {
    // The fields the test is about are found (by what their schemas accept).
    const typed = targets().map(
      (x) => `${x.route.method} ${x.route.path} ${x.part}.${x.name}: ${x.kind}`,
    );
    expect(typed).toContain('get /audit query.before: bigint');
    expect(typed).toContain('get /flows/:flowName/versions/:version params.version: number');
    expect(typed).toContain('get /calls query.from: time');
    expect(typed).toContain('get /users/:userId params.userId: uuid');
    const failures: string[] = [];
    for (const target of targets()) {
      const field = `${target.part}.${target.name}`;
      const label = `${target.route.method} ${target.route.path} ${field}`;
      for (const value of [...malformed, ...probes]) {
        for (const repeat of target.part === 'query' ? [false, true] : [false]) {
          const reply = await send(target, value, repeat);
          const shown = `${label} = ${JSON.stringify(value.slice(0, 40))}${repeat ? ' (twice)' : ''}`;
          if (reply.status >= 500) {
            failures.push(`${shown}: ${reply.status} ${reply.text.slice(0, 200)}`);
            continue;
          }
          const blamed = /^(params|query)\.\w+/.exec(reply.message)?.[0];
          if (reply.status === 400 && blamed !== undefined && blamed !== field) {
            failures.push(`${shown}: 400 blames ${blamed}: ${reply.message}`);
          }
          // An audit entry id may well be past int4.
          const valid = target.kind === 'bigint' && value === '2147483648';
          const mustRefuse =
            target.kind !== 'text' && ((malformed.includes(value) && !valid) || repeat);
          if (mustRefuse && (reply.status !== 400 || blamed !== field)) {
            failures.push(`${shown}: ${reply.status} ${reply.text.slice(0, 200)}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuse forged call cursors naming query.cursor', async () => {
    const cursor = (text: string) => Buffer.from(text).toString('base64url');
    const id = '00000000-0000-4000-8000-000000000000';
    for (const forged of [
      cursor(`0000-01-01T00:00:00.000Z|${id}`),
      cursor(`+275760-09-13T00:00:00.000Z|${id}`),
      cursor(`-271821-04-20T00:00:00.000Z|${id}`),
      cursor(`2024-02-31T00:00:00.000Z|${id}`),
      cursor(`2024-01-01T00:00:00.000Z|${'0'.repeat(36)}`),
      cursor('2024-01-01T00:00:00.000Z'),
      'not base64 at all!',
    ]) {
      const reply = await t.request('get', `/calls?cursor=${encodeURIComponent(forged)}`, {
        cookie: admin,
      });
      expect(reply.status, forged).toBe(400);
      expect((reply.body as { error: { message: string } }).error.message).toMatch(
        /^query\.cursor: /,
      );
    }
  });
});
