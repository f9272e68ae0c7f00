import { sql, type Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import type { ReadinessProbe } from './readiness-probe.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema will do for SELECT 1
export function postgresProbe(db: Kysely<any>): ReadinessProbe {
  return {
    name: 'postgres',
    required: true,
    async check() {
      await sql`SELECT 1`.execute(db);
      return 'ok';
    },
  };
}

/** Use a connection without an offline queue, so a lost Redis fails at once instead of waiting. */
export function redisProbe(redis: Redis): ReadinessProbe {
  return {
    name: 'redis',
    required: true,
    async check() {
      const reply: string = await redis.ping();
      if (reply !== 'PONG') throw new Error(`unexpected PING reply ${reply}`);
      return 'ok';
    },
  };
}
