/**
 * Test support for the sipp suites (real drachtio-server and FreeSWITCH):
 * whether they run, sipp itself, and the voice path started in-process as
 * `switchboard start` wires it (app/voice-path.ts) on a test database and
 * Redis prefix. Reads
 *   SWITCHBOARD_REAL_SIP=1 (set by `npm run test:sip`), sipp on PATH
 *   DRACHTIO_HOST / DRACHTIO_PORT / DRACHTIO_SECRET      drachtio's admin socket
 *   FREESWITCH_HOST / FREESWITCH_PORT / FREESWITCH_SECRET FreeSWITCH's event socket
 *   SIPP_TARGET   drachtio's SIP address (default 127.0.0.1:5060)
 */
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { loadConfig } from '../../app/config.ts';
import { RoutingDirectorySync } from '../../app/routing-directory-sync.ts';
import { startVoicePath, type VoicePath } from '../../app/voice-path.ts';
import { systemCallClock } from '../../ivr/call-clock.ts';
import { systemClock } from '../../platform/clock.ts';
import { uuidGenerator } from '../../platform/id-generator.ts';
import { createLogger } from '../../platform/logger.ts';
import { createRedisRouting, type RedisRouting } from '../../routing/create-redis-routing.ts';
import type { TestDatabase } from '../test-database.ts';
import type { TestRedis } from '../test-redis.ts';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
export const repository = path.resolve(here, '../..');
const env = process.env;

async function sippOnPath(): Promise<boolean> {
  return run('sipp', ['-v']).then(
    () => true,
    (error: { code?: unknown }) => error.code !== 'ENOENT',
  );
}

/** Why the sipp suites are skipped, or undefined when they run. */
export const sippSkipReason =
  env.SWITCHBOARD_REAL_SIP !== '1'
    ? 'SWITCHBOARD_REAL_SIP is not 1, so no real drachtio-server/FreeSWITCH is used (see media/README.md)'
    : !(await sippOnPath())
      ? 'sipp is not installed (apt-get install sip-tester)'
      : undefined;

/** drachtio's SIP address, where sipp callers send. */
export const sippTarget = env.SIPP_TARGET ?? '127.0.0.1:5060';

export interface Sipp {
  readonly exited: Promise<number>;
  /** sipp's stdout and stderr, for failure messages. */
  output(): string;
}

let mediaPorts = Number(env.SIPP_MEDIA_PORT_BASE ?? '16000');

/** Starts one scenario (one call unless `-m` says otherwise); `exited` resolves with sipp's exit code (0: every call succeeded). */
export function sipp(scenario: string, args: readonly string[], timeoutSeconds = 60): Sipp {
  let output = '';
  const child = spawn(
    'sipp',
    [
      '-sf',
      path.join(here, scenario),
      '-m',
      '1',
      '-timeout',
      `${timeoutSeconds}s`,
      '-timeout_error',
      '-nostdin',
      '-i',
      '127.0.0.1',
      // Each sipp its own RTP port, as several run at once.
      '-mp',
      String((mediaPorts += 10)),
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const exited = once(child, 'exit').then(([code]) => (code as number | null) ?? -1);
  return { exited, output: () => output };
}

export async function succeeded(run: Sipp): Promise<void> {
  const code = await run.exited;
  expect(code, run.output()).toBe(0);
}

/** Probes until `ok` holds or `ms` pass; returns the last value either way. */
export async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, ms = 30_000) {
  const deadline = Date.now() + ms;
  let last = await probe();
  while (!ok(last) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await probe();
  }
  return last;
}

/** The voice path on the real servers, with routing on the test Redis. */
export interface RealVoicePath {
  readonly routing: RedisRouting;
  readonly voice: VoicePath;
  close(): Promise<void>;
}

/**
 * Starts routing and the voice path against the real servers, once the test
 * database holds the flows, numbers, queues and people a suite needs; resolves
 * when drachtio and FreeSWITCH are both connected.
 */
export async function startRealVoicePath(options: {
  readonly database: TestDatabase;
  readonly testRedis: TestRedis;
  readonly realm: string;
}): Promise<RealVoicePath> {
  const { database, testRedis } = options;
  const logger = createLogger({ level: (env.SIPP_LOG_LEVEL as 'warn' | undefined) ?? 'warn' });
  const redis = testRedis.connect();
  const routing = createRedisRouting({
    redis,
    blockingRedis: testRedis.connect(),
    keyPrefix: testRedis.keyPrefix,
    clock: systemClock,
    ids: uuidGenerator,
    logger,
  });
  await routing.start();
  await new RoutingDirectorySync(database.db, routing.admin, logger).syncNow();
  const recordings = await mkdtemp(path.join(tmpdir(), 'sipp-recordings-'));
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: testRedis.url,
    REDIS_KEY_PREFIX: testRedis.keyPrefix,
    DRACHTIO_HOST: env.DRACHTIO_HOST,
    DRACHTIO_PORT: env.DRACHTIO_PORT,
    DRACHTIO_SECRET: env.DRACHTIO_SECRET,
    FREESWITCH_HOST: env.FREESWITCH_HOST,
    FREESWITCH_PORT: env.FREESWITCH_PORT,
    FREESWITCH_SECRET: env.FREESWITCH_SECRET,
    FSMRF_LISTEN_ADDRESS: env.FSMRF_LISTEN_ADDRESS ?? '127.0.0.1',
    FREESWITCH_PROMPTS_DIR: path.join(repository, 'flows/prompts'),
    FREESWITCH_RECORDINGS_DIR: recordings,
    RECORDINGS_DIR: recordings,
    SIP_REALM: options.realm,
    SIP_NONCE_SECRET: randomUUID(),
    SHUTDOWN_DRAIN_SECONDS: '2',
    // These scenarios are not about admission control, and on a small shared test host
    // FreeSWITCH's idle CPU (the whole machine's) dips below the production floor of 15%.
    MEDIA_MIN_IDLE_CPU: env.MEDIA_MIN_IDLE_CPU ?? '0',
    LOG_LEVEL: 'warn',
  });
  const voice = startVoicePath({
    config,
    logger,
    clock: systemCallClock,
    ids: uuidGenerator,
    db: database.db,
    redis,
    routing,
  });
  const states = await until(
    () =>
      Promise.all(
        voice.probes.map((probe) =>
          probe.check().then(
            () => 'ok',
            (error: unknown) => `${probe.name}: ${String(error)}`,
          ),
        ),
      ),
    (all) => all.every((state) => state === 'ok'),
  );
  expect(states).toEqual(['ok', 'ok']);
  return {
    routing,
    voice,
    async close() {
      await voice.close();
      await routing.close();
    },
  };
}
