/**
 * The attack that ended the process, against the real service in its own
 * process (`bin/switchboard.js start`, voice off) over a real Postgres (a
 * cloned test database) and a real Redis: a flow definition nested
 * thousands of levels deep (under 20 KB) posted twice to /flows/validate.
 * Before the limits, 5,000 levels answered 500 and 3,200 levels of objects
 * ended the process out of memory on the second request (pretty-printing
 * grows with depth squared, and the YAML parser then read the result). The
 * child runs with a 256 MB heap, so a regression shows in this test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argon2PasswordHasher } from '../api/auth/password-hasher.ts';
import { provisionUser } from './user-provisioning.ts';
import { createTestDatabase, type TestDatabase } from '../test/test-database.ts';
import { createTestRedis, type TestRedis } from '../test/test-redis.ts';

let database: TestDatabase;
let testRedis: TestRedis;
let child: ChildProcess;
let url: string;
const email = 'admin@example.test';
const password = 'correct horse battery staple';

beforeAll(async () => {
  database = await createTestDatabase();
  testRedis = createTestRedis();
  await provisionUser(database.db, argon2PasswordHasher, {
    email,
    displayName: 'Admin',
    role: 'admin',
    password,
  });
  child = spawn(process.execPath, ['--max-old-space-size=256', 'bin/switchboard.js', 'start'], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: database.url,
      REDIS_URL: testRedis.url,
      REDIS_KEY_PREFIX: testRedis.keyPrefix,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      VOICE_ENABLED: 'false',
      SHUTDOWN_DRAIN_SECONDS: '1',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  url = await listeningUrl(child);
}, 60_000);

afterAll(async () => {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  await testRedis.cleanup();
  await database.cleanup();
});

/** The URL from the service's `switchboard listening` log line. */
async function listeningUrl(service: ChildProcess): Promise<string> {
  const lines = createInterface({ input: service.stdout! });
  const exited = once(service, 'exit').then(([code]) => {
    throw new Error(`the service exited (${String(code)}) before listening`);
  });
  const listening = (async () => {
    for await (const line of lines) {
      // Log lines are JSON; a start-up banner is not.
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'switchboard listening' && entry.url !== undefined) return entry.url;
    }
    throw new Error('the service closed its output before listening');
  })();
  return Promise.race([listening, exited]);
}

const prefix = '{"format":"json","definition":{"id":"x","initial":"a","states":';
const attacks = [
  {
    name: '5,000 levels, arrays under three objects (about 10 KB)',
    body: prefix + '{"a":' + '['.repeat(4997) + ']'.repeat(4997) + '}}}',
    // Level 65 is the 62nd '[' after the three objects.
    column: prefix.length + 5 + 62,
  },
  {
    name: '3,200 levels of objects (ended the process before)',
    body: prefix + '{"a":'.repeat(3200) + '{}' + '}'.repeat(3200) + '}}',
    // Level 65 is the 63rd '{"a":' after the two objects.
    column: prefix.length + 62 * 5 + 1,
  },
];

describe('a flow nested thousands of levels deep, posted twice', () => {
  it.each(attacks)(
    '$name: refused with 400 both times, and the process keeps answering',
    async ({ body, column }) => {
      expect(body.length).toBeLessThan(20_000);
      const login = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      expect(login.status).toBe(200);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      for (let round = 1; round <= 2; round++) {
        const reply = await fetch(`${url}/api/v1/flows/validate`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie },
          body,
        });
        expect(reply.status, `round ${round}`).toBe(400);
        expect(await reply.json()).toEqual({
          error: {
            code: 'validation_failed',
            message: `request body is nested more than 64 levels deep; at most 64 are accepted (line 1, column ${column})`,
          },
        });
      }
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'alive', faults: 0 });
      expect(child.exitCode).toBeNull();
    },
  );
});
