/**
 * A real Redis for one test file: a unique key prefix on the configured server
 * (REDIS_URL, default redis://127.0.0.1:6379), and every key under it deleted
 * afterwards. Nothing here is mocked.
 */
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';

export const testRedisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestRedis {
  /** Unique per call, e.g. `sbtest:3f9a1c2b:`. */
  readonly keyPrefix: string;
  readonly url: string;
  /** A new connection; closed by {@link TestRedis.cleanup}. */
  connect(): Redis;
  /** Deletes every key under the prefix and closes every connection made here. */
  cleanup(): Promise<void>;
}

export function createTestRedis(): TestRedis {
  const keyPrefix = `sbtest:${randomBytes(4).toString('hex')}:`;
  const connections: Redis[] = [];
  return {
    keyPrefix,
    url: testRedisUrl,
    connect() {
      const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
      connections.push(redis);
      return redis;
    },
    async cleanup() {
      const admin = new Redis(testRedisUrl);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await admin.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
          cursor = next;
          if (keys.length > 0) await admin.unlink(...keys);
        } while (cursor !== '0');
      } finally {
        admin.disconnect();
        for (const redis of connections) redis.disconnect();
      }
    },
  };
}
