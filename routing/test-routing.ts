/**
 * Routing on a real Redis for tests: a fresh key prefix (test/test-redis.ts),
 * a manual clock and predictable ids; deadlines fire only when the test calls
 * `routing.deadlines.fireDue()`. Nothing is mocked.
 */
import { ManualClock } from '../platform/clock.ts';
import { SequentialIdGenerator } from '../platform/id-generator.ts';
import { createLogger } from '../platform/logger.ts';
import { createTestRedis, type TestRedis } from '../test/test-redis.ts';
import { parseAcdEvent, type AcdEvent } from './acd-event.ts';
import { createRedisRouting, type RedisRouting } from './create-redis-routing.ts';

export interface TestRouting extends RedisRouting {
  readonly clock: ManualClock;
  readonly redisHandle: TestRedis;
  /** Every event appended so far, oldest first. */
  events(): Promise<AcdEvent[]>;
  /** Closes routing and deletes every key of the test. */
  cleanup(): Promise<void>;
}

export function createTestRouting(
  options: { start?: number; testRedis?: TestRedis } = {},
): TestRouting {
  const testRedis = options.testRedis ?? createTestRedis();
  const clock = new ManualClock(options.start ?? 1_700_000_000_000);
  const redis = testRedis.connect();
  const routing = createRedisRouting({
    redis,
    blockingRedis: testRedis.connect(),
    keyPrefix: testRedis.keyPrefix,
    clock,
    ids: new SequentialIdGenerator('op'),
    logger: createLogger({ level: 'silent' }),
  });
  return {
    ...routing,
    clock,
    redisHandle: testRedis,
    async events() {
      const entries = await redis.xrange(routing.commands.keys.events(), '-', '+');
      return entries.map(([id, fields]) => parseAcdEvent(id, fields));
    },
    async cleanup() {
      await routing.close();
      await testRedis.cleanup();
    },
  };
}
