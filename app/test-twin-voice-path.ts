// Test support: the voice path wired as the service wires it, on the
// in-process twins of drachtio-srf and FreeSWITCH, with routing on a real
// Redis and records in a real Postgres. Shared by the app/ voice tests, with
// the caller's INVITE from media/sip/sip-request-from-text.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { systemCallClock } from '../ivr/call-clock.ts';
import { MediaServerTwin } from '../media/freeswitch/media-server-twin.ts';
import { systemClock } from '../platform/clock.ts';
import { uuidGenerator } from '../platform/id-generator.ts';
import { createLogger, type Logger } from '../platform/logger.ts';
import { createRedisRouting, type RedisRouting } from '../routing/create-redis-routing.ts';
import type { Database } from '../sql/database.ts';
import type { TestRedis } from '../test/test-redis.ts';
import { loadConfig } from './config.ts';
import { RoutingDirectorySync } from './routing-directory-sync.ts';
import { SrfTwin } from './test-srf-twin.ts';
import { startVoicePath, type VoicePath } from './voice-path.ts';

export interface TwinVoicePath {
  readonly voice: VoicePath;
  readonly routing: RedisRouting;
  /** The commands connection the voice path uses (registrations live here). */
  readonly redis: Redis;
  readonly srf: SrfTwin;
  readonly freeswitch: MediaServerTwin;
  /** Tells the voice path its drachtio-server connection was lost. */
  loseSignalling(): void;
  close(): Promise<void>;
}

/**
 * Routing on the test Redis, started and synced from the database's queues
 * and members; `redis` is its commands connection, which the voice path
 * shares (registrations live there).
 */
export async function startTestRouting(
  db: Kysely<Database>,
  testRedis: TestRedis,
  logger: Logger,
): Promise<{ readonly routing: RedisRouting; readonly redis: Redis }> {
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
  await new RoutingDirectorySync(db, routing.admin, logger).syncNow();
  return { routing, redis };
}

/**
 * Starts routing (synced from the database's queues and members) and the
 * voice path on the twins; `close` stops both.
 */
export async function startTwinVoicePath(options: {
  readonly db: Kysely<Database>;
  readonly databaseUrl: string;
  readonly testRedis: TestRedis;
  readonly drainSeconds?: number;
  /** Milliseconds FreeSWITCH takes to speak a text (the twin's default is long). */
  readonly speechMs?: number;
  /** More settings, e.g. `SIP_INVITES_PER_SOURCE`. */
  readonly settings?: Readonly<Record<string, string>>;
}): Promise<TwinVoicePath> {
  const { db, testRedis } = options;
  const srf = new SrfTwin();
  const freeswitch = new MediaServerTwin(systemCallClock);
  if (options.speechMs !== undefined) freeswitch.speechMs = options.speechMs;
  // A spool of its own: test files run in parallel, and one's leftovers must not reach another.
  const spoolDir = await mkdtemp(join(tmpdir(), 'sb-spool-'));
  const config = loadConfig({
    CALL_RECORD_SPOOL_DIR: spoolDir,
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: testRedis.url,
    REDIS_KEY_PREFIX: testRedis.keyPrefix,
    VOICE_ENABLED: 'true',
    SHUTDOWN_DRAIN_SECONDS: String(options.drainSeconds ?? 1),
    LOG_LEVEL: 'silent',
    ...options.settings,
  });
  const logger = createLogger({ level: 'silent' });
  const { routing, redis } = await startTestRouting(db, testRedis, logger);
  const lost = new Set<() => void>();
  const voice = startVoicePath({
    config,
    logger,
    clock: systemCallClock,
    ids: uuidGenerator,
    db,
    redis,
    routing,
    connect: () => ({
      signalling: {
        srf,
        state: () => 'connected',
        close: () => undefined,
        onLost: (listener) => {
          lost.add(listener);
          return () => lost.delete(listener);
        },
      },
      connectMediaServer: () => Promise.resolve(freeswitch),
    }),
  });
  return {
    voice,
    routing,
    redis,
    srf,
    freeswitch,
    loseSignalling: () => {
      for (const listener of [...lost]) listener();
    },
    async close() {
      await voice.close();
      await routing.close();
      await rm(spoolDir, { recursive: true, force: true });
    },
  };
}

/** Probes until `accept` holds, every 25 ms, at most `attempts` times; returns the last value. */
export async function eventually<T>(
  probe: () => Promise<T> | T,
  accept: (value: T) => boolean,
  attempts = 400,
): Promise<T> {
  let last = await probe();
  for (let attempt = 0; attempt < attempts && !accept(last); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    last = await probe();
  }
  return last;
}
