import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';
import { webAppRouter } from '../api/web-app/web-app-router.ts';
import { apiBasePath, createApi } from '../api/api-router.ts';
import { startLiveEventServer } from '../api/events/live-event-server.ts';
import { ivrFlowValidator } from '../api/flows/ivr-flow-validator.ts';
import { createHealthRouter } from '../api/health/health-router.ts';
import { postgresProbe, redisProbe } from '../api/health/dependency-probes.ts';
import { createHttpApp } from '../api/http-app.ts';
import { systemCallClock, type CallClock } from '../ivr/call-clock.ts';
import { PromptLibrary } from '../ivr/prompt-library.ts';
import type { Clock } from '../platform/clock.ts';
import { watchEventLoop } from '../platform/event-loop-watch.ts';
import { uuidGenerator, type IdGenerator } from '../platform/id-generator.ts';
import type { Logger } from '../platform/logger.ts';
import { guardProcess, processFaults } from '../platform/process-faults.ts';
import { createRedisRouting } from '../routing/create-redis-routing.ts';
import { checkRedisDurability } from '../routing/redis-durability-check.ts';
import { connectDatabase } from '../sql/connect-database.ts';
import type { Config } from './config.ts';
import { RoutingDirectorySync } from './routing-directory-sync.ts';
import { startVoicePath, type ConnectVoiceServers } from './voice-path.ts';

export interface ServiceDependencies {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Voice path IO; defaults: the system clock, uuids, real drachtio-srf and fsmrf. */
  readonly voice?: {
    readonly clock?: CallClock;
    readonly ids?: IdGenerator;
    readonly connect?: ConnectVoiceServers;
  };
}

export interface RunningService {
  /** Where the HTTP API listens, e.g. http://127.0.0.1:3000. */
  readonly url: string;
  /** Stops taking new work, drains in-flight work up to the configured limit, closes connections. */
  stop(reason: string): Promise<void>;
}

/** API writes to these change what routing must know (queues, skills, memberships). */
const directoryTargets = new Set(['queue', 'user', 'team', 'skill']);

/**
 * Wires Switchboard's parts together and starts them. The only place that
 * knows every part; imported by the CLI and tests, never by a part.
 */
export async function startService(deps: ServiceDependencies): Promise<RunningService> {
  const { config, logger, clock, ids } = deps;
  const stopWatchingEventLoop = watchEventLoop(logger.child({ part: 'process' }));
  // One bad packet or request must not end every live call with the process.
  const unguardProcess = guardProcess(logger.child({ part: 'process' }));
  const db = connectDatabase(config.databaseUrl);
  const redisOptions: RedisOptions = {
    // Keep reconnecting with capped backoff: a Redis restart must not end the process.
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
    // BullMQ needs this; commands wait for the reconnect instead of failing a caller.
    maxRetriesPerRequest: null,
  };
  const connect = (name: string, extra: RedisOptions = {}): Redis => {
    const client = new Redis(config.redis.url, {
      ...redisOptions,
      ...extra,
      connectionName: `switchboard:${name}`,
    });
    client.on('error', (error: Error) =>
      logger.warn({ err: error.message, client: name }, 'redis connection problem'),
    );
    return client;
  };
  const redis = connect('commands');
  const probeRedis = connect('probe', { enableOfflineQueue: false });
  const eventsRedis = connect('live-events');

  const routing = createRedisRouting({
    redis,
    blockingRedis: connect('routing-feed'),
    keyPrefix: config.redis.keyPrefix,
    clock,
    ids,
    logger: logger.child({ part: 'routing' }),
    bullmq: { connection: redis },
  });
  const directory = new RoutingDirectorySync(
    db,
    routing.admin,
    logger.child({ part: 'routing-sync' }),
  );

  // Eviction or no persistence loses queued callers; say so before taking any.
  await checkRedisDurability(redis, logger.child({ part: 'routing' }));
  // Routing first: a flow may enqueue the moment calls are taken.
  await routing.start();
  await directory.syncNow().catch((error: unknown) => {
    // Postgres may still be starting; the timer retries and readiness shows it.
    logger.warn({ err: error }, 'first routing sync failed; retrying on the timer');
  });
  directory.start(30_000);
  const voice = startVoicePath({
    config,
    logger,
    clock: deps.voice?.clock ?? systemCallClock,
    ids: deps.voice?.ids ?? uuidGenerator,
    db,
    redis,
    routing,
    ...(deps.voice?.connect === undefined ? {} : { connect: deps.voice.connect }),
  });
  const prompts = new PromptLibrary(`${config.flowsDir}/prompts`);
  const api = createApi({
    db,
    redis,
    keyPrefix: config.redis.keyPrefix,
    clock,
    desk: routing.desk,
    liveCalls: voice.liveCalls,
    clickToDial: voice.clickToDial,
    softphone: {
      realm: config.sip.realm,
      webSocketUris: config.sip.webSocketUris,
      iceServerUrls: config.sip.iceServerUrls,
    },
    queueInsight: routing.insight,
    flowValidator: ivrFlowValidator({
      promptExists: (name, language) => prompts.exists(name, language),
    }),
    recordingsDir: config.recordingsDir,
    secureCookies: config.sessions.secureCookies,
    sessionSeconds: config.sessions.seconds,
    redactStoredMessages: config.redactMessageBodies,
    auditBudget: { entriesPerMinute: config.auditRefusalsPerMinute },
    onWrite: (write) => {
      if (directoryTargets.has(write.targetType)) directory.requestSync();
    },
  });

  let draining = false;
  const app = createHttpApp({
    logger,
    ids,
    connectSources: config.sip.webSocketUris,
    routers: [
      {
        path: '/',
        router: createHealthRouter({
          isDraining: () => draining,
          faults: () => processFaults.count,
          probes: [postgresProbe(db), redisProbe(probeRedis), ...voice.probes],
        }),
      },
      { path: apiBasePath, router: api.router },
      { path: '/', router: webAppRouter() },
    ],
  });

  const server: Server = app.listen(config.http.port, config.http.host);
  await once(server, 'listening');
  const liveEvents = await startLiveEventServer({
    server,
    authenticate: (headers) => api.authenticate(headers),
    scopes: api.scopes,
    readRedis: eventsRedis,
    redis,
    streamKey: routing.commands.keys.events(),
    logger: logger.child({ part: 'live-events' }),
    onRefused: ({ request, principal, reason }) =>
      void api.denials.record(request, principal, request.path, reason),
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
  logger.info({ url }, 'switchboard listening');

  let stopping: Promise<void> | undefined;
  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      draining = true;
      logger.info({ reason, drainMs: config.shutdownDrainMs }, 'draining');
      // Live calls first, while HTTP and routing still serve them.
      await voice.drain();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = setTimeout(() => server.closeAllConnections(), config.shutdownDrainMs);
      await liveEvents.close();
      await closed;
      clearTimeout(deadline);
      await directory.stop();
      await routing.close();
      await voice.close();
      await db.destroy();
      await Promise.allSettled([redis.quit(), probeRedis.quit(), eventsRedis.quit()]);
      stopWatchingEventLoop();
      unguardProcess();
      logger.info('stopped');
    })();
    return stopping;
  };
  return { url, stop };
}
