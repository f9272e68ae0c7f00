// Real Postgres (a cloned test database), real Redis reached through a TCP
// proxy the test can cut, and a real HTTP server on a free port. The voice
// path is on, with real drachtio-srf and fsmrf pointed at ports where nothing
// listens: the service must run, report them, and stop cleanly.
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../platform/clock.ts';
import { SequentialIdGenerator } from '../platform/id-generator.ts';
import { createLogger } from '../platform/logger.ts';
import { processFaults } from '../platform/process-faults.ts';
import { TcpProxy } from '../test/tcp-proxy.ts';
import { createTestDatabase, type TestDatabase } from '../test/test-database.ts';
import { createTestRedis, type TestRedis } from '../test/test-redis.ts';
import { loadConfig } from './config.ts';
import { startService, type RunningService } from './switchboard-service.ts';

let database: TestDatabase;
let proxy: TcpProxy;
let service: RunningService;
let testRedis: TestRedis;
let spoolDir: string;
const unhandled: unknown[] = [];
const captureUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', captureUnhandled);
  database = await createTestDatabase();
  testRedis = createTestRedis();
  const redis = new URL(testRedis.url);
  proxy = new TcpProxy(redis.hostname, Number(redis.port || 6379));
  const port = await proxy.start();
  spoolDir = join(tmpdir(), `sb-spool-${testRedis.keyPrefix.slice(7, 15)}`);
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: `redis://127.0.0.1:${port}`,
    REDIS_KEY_PREFIX: testRedis.keyPrefix,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    // Nothing listens on port 1: drachtio and FreeSWITCH are reported down.
    VOICE_ENABLED: 'true',
    DRACHTIO_PORT: '1',
    FREESWITCH_PORT: '1',
    SHUTDOWN_DRAIN_SECONDS: '2',
    CALL_RECORD_SPOOL_DIR: spoolDir,
  });
  service = await startService({
    config,
    logger: createLogger({ level: 'silent' }),
    clock: new ManualClock(0),
    ids: new SequentialIdGenerator('req'),
  });
});

afterAll(async () => {
  await service.stop('test over');
  await proxy.cut();
  await testRedis.cleanup();
  await database.cleanup();
  await rm(spoolDir, { recursive: true, force: true });
  process.off('unhandledRejection', captureUnhandled);
});

interface Readiness {
  status: string;
  components: { name: string; ok: boolean; required: boolean; state: string }[];
}

async function readiness(): Promise<{ code: number; body: Readiness }> {
  const response = await fetch(`${service.url}/readyz`);
  return { code: response.status, body: (await response.json()) as Readiness };
}

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  let last = await probe();
  for (let attempt = 0; attempt < 100 && !accept(last); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await probe();
  }
  return last;
}

describe('health and readiness', () => {
  it('answers /healthz while alive', async () => {
    const response = await fetch(`${service.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'alive', faults: 0 });
  });

  it('survives a stray rejection: logged, counted on /healthz, the service still serving', async () => {
    void Promise.reject(new Error('a defect nobody awaited'));
    const health = await eventually(
      async () => (await (await fetch(`${service.url}/healthz`)).json()) as { faults: number },
      (body) => body.faults === 1,
    );
    expect(health).toEqual({ status: 'alive', faults: 1 });
    expect((await readiness()).body.components.length).toBeGreaterThan(0);
    // Provoked on purpose: taken so the suite's fault guard passes.
    expect(processFaults.take()).toEqual([
      { source: 'unhandledRejection', message: 'a defect nobody awaited' },
    ]);
    unhandled.splice(0);
  });

  it('is ready with Postgres and Redis, reporting drachtio and FreeSWITCH as not required', async () => {
    const { code, body } = await eventually(readiness, (r) => r.code === 200);
    expect(code).toBe(200);
    expect(body.status).toBe('ready');
    const byName = Object.fromEntries(body.components.map((c) => [c.name, c]));
    expect(byName.postgres).toMatchObject({ ok: true, required: true });
    expect(byName.redis).toMatchObject({ ok: true, required: true });
    expect(byName.drachtio).toMatchObject({ ok: false, required: false });
    expect(byName.drachtio?.state).toMatch(/^(connecting|reconnecting) to 127\.0\.0\.1:1$/);
    expect(byName.freeswitch).toMatchObject({ ok: false, required: false });
    expect(byName.freeswitch?.state).toMatch(/^(connecting|reconnecting) to 127\.0\.0\.1:1$/);
  });

  it('turns unready when Redis becomes unreachable and ready again when it returns', async () => {
    await proxy.cut();
    const down = await eventually(readiness, (r) => r.code === 503);
    expect(down.code).toBe(503);
    expect(down.body.status).toBe('unready');
    expect(down.body.components.find((c) => c.name === 'redis')?.ok).toBe(false);
    expect(down.body.components.find((c) => c.name === 'postgres')?.ok).toBe(true);

    await proxy.start();
    const up = await eventually(readiness, (r) => r.code === 200);
    expect(up.code).toBe(200);
    expect(up.body.status).toBe('ready');
  });

  it('answers an unknown route with the JSON error shape', async () => {
    // A browser asking for a page gets the web app (its router shows "not found").
    const response = await fetch(`${service.url}/no-such-thing`, {
      headers: { accept: 'application/json' },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: 'not_found', message: 'No route for GET /no-such-thing' },
    });
    expect(response.headers.get('x-request-id')).toMatch(/^req-\d+$/);
  });
});

describe('stop', () => {
  it('drains and stops with the voice servers absent, leaving no unhandled rejection', async () => {
    await service.stop('SIGTERM');
    // A second stop (afterAll) is the same stop.
    await service.stop('SIGTERM');
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
  });
});
