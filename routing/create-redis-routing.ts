import type { Redis } from 'ioredis';
import type { Clock } from '../platform/clock.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import type { Logger } from '../platform/logger.ts';
import { AcdCommands } from './acd-commands.ts';
import { RoutingAdmin } from './admin/routing-admin.ts';
import { AgentDesk } from './agent/agent-desk.ts';
import { AcdEventFeed } from './events/acd-event-feed.ts';
import { QueueInsight } from './insight/queue-insight.ts';
import { AcdReconciler } from './reconcile/acd-reconciler.ts';
import { RedisAcd } from './redis-acd.ts';
import { BullMqDeadlineScheduler } from './timer/bullmq-deadline-scheduler.ts';
import { DeadlineRunner } from './timer/deadline-runner.ts';

export interface RedisRoutingOptions {
  /** Commands connection (shared by all routing services). */
  readonly redis: Redis;
  /** A second connection for blocking reads (event feed); owned and closed by routing. */
  readonly blockingRedis: Redis;
  /** Prefix of every routing key, e.g. `sb:`. */
  readonly keyPrefix: string;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  /**
   * Fire deadlines with BullMQ delayed jobs (needs the system clock and a
   * connection with `maxRetriesPerRequest: null`). Without it, deadlines fire
   * only through {@link RedisRouting.deadlines}.fireDue and the reconciler:
   * what tests on simulated time want.
   */
  readonly bullmq?: { readonly connection: Redis; readonly concurrency?: number };
  readonly reconcileIntervalMs?: number;
  readonly eventStreamMaxLength?: number;
}

/** Everything routing offers, wired over one Redis; see {@link createRedisRouting}. */
export interface RedisRouting {
  readonly acd: RedisAcd;
  readonly desk: AgentDesk;
  readonly admin: RoutingAdmin;
  readonly insight: QueueInsight;
  readonly deadlines: DeadlineRunner;
  readonly reconciler: AcdReconciler;
  readonly feed: AcdEventFeed;
  readonly commands: AcdCommands;
  /** Starts the deadline worker (if BullMQ is configured) and the periodic reconciler. */
  start(): Promise<void>;
  /** Stops workers, the reconciler and the event feed; the passed connections stay open. */
  close(): Promise<void>;
}

/**
 * Wires routing over Redis.
 *
 * @example
 * const routing = createRedisRouting({ redis, blockingRedis: redis.duplicate(), keyPrefix: 'sb:',
 *   clock: systemClock, ids: uuidGenerator, logger, bullmq: { connection: redis } });
 * await routing.start();
 * await routing.acd.enqueue(request);
 * await routing.close();
 */
export function createRedisRouting(options: RedisRoutingOptions): RedisRouting {
  const scheduler = options.bullmq
    ? new BullMqDeadlineScheduler({
        connection: options.bullmq.connection,
        keyPrefix: options.keyPrefix,
        clock: options.clock,
        logger: options.logger,
        concurrency: options.bullmq.concurrency,
      })
    : undefined;
  const commands = new AcdCommands({
    redis: options.redis,
    keyPrefix: options.keyPrefix,
    clock: options.clock,
    ids: options.ids,
    logger: options.logger,
    eventStreamMaxLength: options.eventStreamMaxLength,
    scheduler,
  });
  const feed = new AcdEventFeed({
    redis: options.blockingRedis,
    streamKey: commands.keys.events(),
    logger: options.logger,
  });
  const deadlines = new DeadlineRunner(commands);
  const reconciler = new AcdReconciler({
    commands,
    deadlines,
    logger: options.logger,
    intervalMs: options.reconcileIntervalMs,
  });
  return {
    acd: new RedisAcd({ commands, feed, logger: options.logger }),
    desk: new AgentDesk(commands),
    admin: new RoutingAdmin(commands),
    insight: new QueueInsight(commands),
    deadlines,
    reconciler,
    feed,
    commands,
    async start() {
      scheduler?.start((deadline) => deadlines.fire(deadline));
      await reconciler.runOnce();
      reconciler.start();
    },
    async close() {
      await reconciler.stop();
      await scheduler?.close();
      await feed.close();
    },
  };
}
