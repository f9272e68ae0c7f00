import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { createHealthRouter } from '../api/health/health-router.ts';
import { postgresProbe, redisProbe, tcpProbe } from '../api/health/dependency-probes.ts';
import { createHttpApp } from '../api/http-app.ts';
import type { Clock } from '../platform/clock.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import type { Logger } from '../platform/logger.ts';
import { connectDatabase } from '../sql/connect-database.ts';
import type { Config } from './config.ts';

export interface ServiceDependencies {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

export interface RunningService {
  /** Where the HTTP API listens, e.g. http://127.0.0.1:3000. */
  readonly url: string;
  /** Stops taking new work, drains in-flight work up to the configured limit, closes connections. */
  stop(reason: string): Promise<void>;
}

/**
 * Wires Switchboard's parts together and starts them. The only place that
 * knows every part; imported by the CLI and tests, never by a part.
 */
export async function startService(deps: ServiceDependencies): Promise<RunningService> {
  const { config, logger } = deps;
  const db = connectDatabase(config.databaseUrl);
  const redisOptions = {
    // Keep reconnecting with capped backoff: a Redis restart must not end the process.
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
    maxRetriesPerRequest: null,
  };
  const redis = new Redis(config.redis.url, redisOptions);
  const probeRedis = new Redis(config.redis.url, { ...redisOptions, enableOfflineQueue: false });
  for (const [name, client] of [
    ['redis', redis],
    ['redis-probe', probeRedis],
  ] as const) {
    client.on('error', (error: Error) =>
      logger.warn({ err: error.message, client: name }, 'redis connection problem'),
    );
  }

  let draining = false;
  const app = createHttpApp({
    logger,
    ids: deps.ids,
    routers: [
      {
        path: '/',
        router: createHealthRouter({
          isDraining: () => draining,
          probes: [
            postgresProbe(db),
            redisProbe(probeRedis),
            tcpProbe('drachtio', config.drachtio.host, config.drachtio.port),
            tcpProbe('freeswitch', config.freeswitch.host, config.freeswitch.port),
          ],
        }),
      },
    ],
  });

  const server: Server = app.listen(config.http.port, config.http.host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
  logger.info({ url }, 'switchboard listening');

  let stopping: Promise<void> | undefined;
  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      draining = true;
      logger.info({ reason, drainMs: config.shutdownDrainMs }, 'draining');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = setTimeout(() => server.closeAllConnections(), config.shutdownDrainMs);
      await closed;
      clearTimeout(deadline);
      await db.destroy();
      await Promise.allSettled([redis.quit(), probeRedis.quit()]);
      logger.info('stopped');
    })();
    return stopping;
  };
  return { url, stop };
}
