/**
 * Hostile bodies against every API route that takes one, as admin, over real
 * HTTP against real Postgres, Redis and routing (test/api-test-server.ts):
 * - nested 10,000 levels (objects, arrays, inside a valid body, as UTF-16),
 *   over 1 MiB (plain and gzip-inflated): refused with 400 or 413 before any
 *   route runs, and nothing in Postgres or Redis changes;
 * - invalid JSON, unexpected top-level values, non-JSON content types,
 *   prototype keys, and each field of a valid body replaced by wrong types,
 *   NUL characters, lone surrogates, huge numbers, 1e309 and very long
 *   strings: never answered with a 5xx.
 * Every body is fixed (no randomness), so a failure reproduces as is.
 */
import { gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiBasePath } from './api-router.ts';
import type { RouteDefinition } from './routes/route-definition.ts';
import { startApiTestServer, type ApiTestServer } from '../test/api-test-server.ts';
import { baseBodies, fillPath, routeParams } from './test-hostile-body-fixtures.ts';

let t: ApiTestServer;
let admin: string;
let params: Record<string, string>;
let bodies: Record<string, readonly unknown[]>;

beforeAll(async () => {
  t = await startApiTestServer();
  admin = await t.login(t.emails.admin!);
  params = await routeParams(t, admin);
  bodies = baseBodies(t, params);
});

afterAll(async () => {
  await t.close();
});

/** Every route that takes a body; logout runs last, as it ends the session it is sent with. */
function bodyRoutes(): RouteDefinition[] {
  return t.api.routes
    .filter((route) => route.method !== 'get')
    .toSorted((a, b) => Number(a.path === '/auth/logout') - Number(b.path === '/auth/logout'));
}

async function send(
  route: RouteDefinition,
  body: string | Buffer,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) {
  const response = await fetch(`${t.url}${apiBasePath}${fillPath(route.path, params)}`, {
    method: route.method.toUpperCase(),
    headers: { cookie: admin, ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await response.text();
  return { status: response.status, text };
}

/** Every table's rows and every Redis key name of this test's routing, to compare before and after. */
async function snapshot(): Promise<Record<string, string>> {
  const { rows: tables } = await sql<{ name: string }>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(
    t.db.db,
  );
  const state: Record<string, string> = {};
  for (const { name } of tables) {
    const { rows } = await sql<{ digest: string }>`
      SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS digest
      FROM ${sql.table(name)} x`.execute(t.db.db);
    state[name] = rows[0]!.digest;
  }
  const keys = await t.routing.commands.redis.keys(`${t.routing.redisHandle.keyPrefix}*`);
  state['redis keys'] = keys.toSorted().join(',');
  return state;
}

const deepObject = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
const deepArray = '['.repeat(10_000) + ']'.repeat(10_000);
const oversized = `{"pad":"${'x'.repeat(1024 * 1024)}"}`;

describe('bodies nested too deep or too large', () => {
  it('are refused with 400 or 413 before any route runs, and change nothing', async () => {
    const before = await snapshot();
    const failures: string[] = [];
    const cases: {
      label: string;
      body: string | Buffer;
      status: number;
      headers?: Record<string, string>;
    }[] = [
      { label: 'objects 10,000 deep', body: deepObject, status: 400 },
      { label: 'arrays 10,000 deep', body: deepArray, status: 400 },
      {
        label: 'deep inside a valid body',
        body: `{"definition":${deepObject},"format":"json"}`,
        status: 400,
      },
      {
        label: 'arrays 10,000 deep in UTF-16',
        body: Buffer.from(deepArray, 'utf16le'),
        headers: { 'content-type': 'application/json; charset=utf-16le' },
        status: 400,
      },
      { label: 'over 1 MiB', body: oversized, status: 413 },
      {
        label: 'over 1 MiB once inflated',
        body: gzipSync(oversized),
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        status: 413,
      },
    ];
    for (const route of bodyRoutes()) {
      for (const { label, body, status, headers } of cases) {
        const reply = await send(route, body, headers);
        const message = (JSON.parse(reply.text) as { error: { code: string; message: string } })
          .error;
        const named =
          status === 413
            ? /request body is [\d,]+ bytes; at most 1,048,576 bytes are accepted|over 1,048,576 bytes/
            : /request body is nested more than 64 levels deep; at most 64 are accepted/;
        if (
          reply.status !== status ||
          message.code !== 'validation_failed' ||
          !named.test(message.message)
        ) {
          failures.push(
            `${route.method} ${route.path} ${label}: ${reply.status} ${reply.text.slice(0, 200)}`,
          );
        }
      }
    }
    expect(failures).toEqual([]);
    // Refused before authentication, so not even a session's last-seen time moves.
    expect(await snapshot()).toEqual(before);
  });
});

describe('a YAML flow source past the YAML bounds', () => {
  it.each([
    { name: 'flow collections 5,000 deep', source: 'id: x\nstates: ' + '['.repeat(5000) },
    { name: 'keys chained on one line', source: 'id: x\nstates: ' + 'a: '.repeat(5000) },
    { name: 'compact sequences 5,000 deep', source: 'id: x\nstates:\n' + '- '.repeat(5000) },
    {
      name: 'depth only aliases add',
      source: `id: x\ns: &d ${'['.repeat(40)}1${']'.repeat(40)}\nstates: ${'['.repeat(40)}*d${']'.repeat(40)}`,
    },
  ])('$name: refused with 400 naming body.source, and nothing stored', async ({ source }) => {
    const before = await snapshot();
    for (const path of ['/flows/validate', '/flows/main-menu/versions']) {
      const reply = await t.request('post', path, {
        cookie: admin,
        body: { format: 'yaml', source },
      });
      expect(reply.status, path).toBe(400);
      const { error } = reply.body as { error: { code: string; message: string } };
      expect(error.code).toBe('validation_failed');
      expect(error.message).toMatch(
        /^body\.source (is nested more than 64|has flow collections|indents content|has a second ": ")/,
      );
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('a charset the server cannot read', () => {
  it('is refused with 415, naming it', async () => {
    const route = bodyRoutes().find((r) => r.path === '/flows/validate')!;
    const reply = await send(route, '{}', { 'content-type': 'application/json; charset=utf-32' });
    expect(reply.status).toBe(415);
    expect(JSON.parse(reply.text)).toEqual({
      error: { code: 'validation_failed', message: 'charset utf-32 is not accepted; send UTF-8' },
    });
  });
});

describe('hostile bodies', () => {
  const marker = 'HOSTILE-VALUE-5c1f';
  const hostileValues: readonly { label: string; json: string }[] = [
    { label: 'NUL in a string', json: JSON.stringify('a\u0000b') },
    { label: 'a lone surrogate', json: '"\\ud800"' },
    { label: 'a 200,000-character string', json: JSON.stringify('x'.repeat(200_000)) },
    { label: '2**31', json: String(2 ** 31) },
    { label: '-(2**31) - 1', json: String(-(2 ** 31) - 1) },
    { label: '2**53 + 1', json: '9007199254740993' },
    { label: '1e309', json: '1e309' },
    { label: '-0', json: '-0' },
    { label: '0.5', json: '0.5' },
    { label: 'true', json: 'true' },
    { label: 'null', json: 'null' },
    { label: 'an array', json: '[1,"a",null]' },
    { label: 'an object', json: '{"a":1}' },
    { label: 'an empty string', json: '""' },
  ];

  /** Paths to every value inside a body, containers included. */
  function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
    if (typeof value !== 'object' || value === null) return [];
    return Object.entries(value).flatMap(([key, child]) => {
      const path = [...prefix, Array.isArray(value) ? Number(key) : key];
      return [path, ...pathsOf(child, path)];
    });
  }

  function withValueAt(body: unknown, path: (string | number)[], json: string): string {
    const copy = structuredClone(body) as Record<string | number, unknown>;
    let node = copy;
    for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
    node[path.at(-1)!] = marker;
    return JSON.stringify(copy).replace(JSON.stringify(marker), json);
  }

  it('never answer 5xx, and refuse NUL characters naming the field', async () => {
    const failures: string[] = [];
    const check = async (
      route: RouteDefinition,
      label: string,
      body: string,
      headers?: Record<string, string>,
    ) => {
      const reply = await send(route, body, headers);
      if (reply.status >= 500) {
        failures.push(
          `${route.method} ${route.path} ${label}: ${reply.status} ${reply.text.slice(0, 200)}`,
        );
      }
      return reply;
    };
    for (const route of bodyRoutes()) {
      const bases = bodies[`${route.method} ${route.path}`] ?? [{}];
      const valid = JSON.stringify(bases[0]);
      for (const top of ['{"a":', 'null', '[]', '[{}]', '"text"', '1', 'true', '{}', '']) {
        await check(route, `top-level ${top}`, top);
      }
      // Each key first, ahead of the valid body's own keys.
      const withKey = (key: string) =>
        `{"${key}":{"polluted":true,"prototype":{"polluted":true}}${valid === '{}' ? '}' : `,${valid.slice(1)}`}`;
      await check(route, '__proto__', withKey('__proto__'));
      await check(route, 'constructor', withKey('constructor'));
      await check(route, 'text/plain', valid, { 'content-type': 'text/plain' });
      await check(route, 'a form', 'a=1', { 'content-type': 'application/x-www-form-urlencoded' });
      await check(route, 'UTF-32', valid, { 'content-type': 'application/json; charset=utf-32' });
      for (const base of bases) {
        // Mutations start from a body that passes validation, so each one tests its field.
        const accepted = await send(route, JSON.stringify(base));
        if (accepted.status === 400) {
          failures.push(`${route.method} ${route.path} valid body refused: ${accepted.text}`);
        }
        for (const path of pathsOf(base)) {
          for (const { label, json } of hostileValues) {
            const name = path.join('.');
            const reply = await check(route, `${name} = ${label}`, withValueAt(base, path, json));
            const named = `body.${name}: must not contain NUL`;
            if (
              label === 'NUL in a string' &&
              (reply.status !== 400 || !reply.text.includes(named))
            ) {
              failures.push(
                `${route.method} ${route.path} ${name}: NUL not refused by name: ${reply.text}`,
              );
            }
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
