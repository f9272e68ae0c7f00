// The service with VOICE_ENABLED=false: real Postgres (a cloned test
// database), real Redis and a real HTTP server; nothing connects to drachtio
// or FreeSWITCH. Readiness says so, and live-call actions are refused.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argon2PasswordHasher } from '../api/auth/password-hasher.ts';
import { ManualClock } from '../platform/clock.ts';
import { SequentialIdGenerator } from '../platform/id-generator.ts';
import { createLogger } from '../platform/logger.ts';
import { createTestDatabase, type TestDatabase } from '../test/test-database.ts';
import { createTestRedis, type TestRedis } from '../test/test-redis.ts';
import { loadConfig } from './config.ts';
import { startService, type RunningService } from './switchboard-service.ts';
import { provisionUser } from './user-provisioning.ts';

let database: TestDatabase;
let testRedis: TestRedis;
let service: RunningService;
const email = 'admin@example.test';
const agentEmail = 'agent@example.test';
const password = 'correct horse battery';

beforeAll(async () => {
  database = await createTestDatabase();
  testRedis = createTestRedis();
  await provisionUser(database.db, argon2PasswordHasher, {
    email,
    displayName: 'Admin',
    role: 'admin',
    password,
  });
  // An agent, who would dial out from the desk.
  await provisionUser(database.db, argon2PasswordHasher, {
    email: agentEmail,
    displayName: 'Agent',
    role: 'agent',
    password,
  });
  service = await startService({
    config: loadConfig({
      DATABASE_URL: database.url,
      REDIS_URL: testRedis.url,
      REDIS_KEY_PREFIX: testRedis.keyPrefix,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      VOICE_ENABLED: 'false',
      SHUTDOWN_DRAIN_SECONDS: '1',
    }),
    logger: createLogger({ level: 'silent' }),
    clock: new ManualClock(Date.UTC(2026, 2, 1, 9)),
    ids: new SequentialIdGenerator('req'),
  });
});

afterAll(async () => {
  await service.stop('test over');
  await testRedis.cleanup();
  await database.cleanup();
});

async function post(path: string, body: unknown, cookie?: string) {
  const response = await fetch(`${service.url}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

async function logIn(as = email): Promise<string> {
  const login = await fetch(`${service.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: as, password }),
  });
  expect(login.status).toBe(200);
  return (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

describe('with the voice path turned off', () => {
  it('reports drachtio and FreeSWITCH as disabled, and is ready', async () => {
    const response = await fetch(`${service.url}/readyz`);
    const body = (await response.json()) as {
      components: { name: string; ok: boolean; required: boolean; state: string }[];
    };
    expect(response.status).toBe(200);
    const voice = body.components.filter((c) => ['drachtio', 'freeswitch'].includes(c.name));
    expect(voice).toEqual([
      { name: 'drachtio', ok: false, required: false, state: 'disabled' },
      { name: 'freeswitch', ok: false, required: false, state: 'disabled' },
    ]);
  });

  it('answers live-call actions with 503 unavailable', async () => {
    const cookie = await logIn();
    const callId = randomUUID();
    await database.db
      .insertInto('calls')
      .values({
        id: callId,
        direction: 'inbound',
        from_number: '+15550001111',
        to_number: '+15550002222',
        started_at: new Date(),
      })
      .execute();

    for (const [path, body] of [
      [`/calls/${callId}/supervision`, { mode: 'listen' }],
      [`/calls/${callId}/transfer`, { target: { kind: 'number', number: '+15550100100' } }],
    ] as const) {
      const reply = await post(path, body, cookie);
      expect(reply.status).toBe(503);
      expect(reply.body).toMatchObject({ error: { code: 'unavailable' } });
    }
  });

  it('answers click-to-dial with 503 voice-unavailable, naming VOICE_ENABLED', async () => {
    // Said first, before whether the agent is logged in to their queues.
    const cookie = await logIn(agentEmail);
    const reply = await post('/agent/calls', { number: '+15557654321' }, cookie);
    expect(reply.status).toBe(503);
    expect(reply.body).toMatchObject({
      error: { code: 'unavailable', details: { reason: 'voice-unavailable' } },
    });
    expect((reply.body as { error: { message: string } }).error.message).toContain(
      'VOICE_ENABLED=false',
    );
  });
});
