/** BullMQ on a real Redis (test/test-redis.ts), system clock: delays here are a few ms. */
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../platform/clock.ts';
import { createLogger } from '../../platform/logger.ts';
import { createTestRedis } from '../../test/test-redis.ts';
import { BullMqDeadlineScheduler } from './bullmq-deadline-scheduler.ts';
import type { Deadline } from './deadline.ts';

const testRedis = createTestRedis();

afterAll(async () => {
  await testRedis.cleanup();
});

describe('BullMqDeadlineScheduler', () => {
  it('fires each scheduled deadline once, under the routing key prefix', async () => {
    const connection = testRedis.connect();
    const scheduler = new BullMqDeadlineScheduler({
      connection,
      keyPrefix: testRedis.keyPrefix,
      clock: systemClock,
      logger: createLogger({ level: 'silent' }),
    });
    const fired: { deadline: Deadline }[] = [];
    scheduler.start((deadline) => {
      fired.push({ deadline });
      return Promise.resolve();
    });
    const now = Date.now();
    const deadlines: Deadline[] = [
      { kind: 'ring', id: 'op-1.o1', dueAt: now + 50 },
      { kind: 'maxwait', id: 'sip:call@host', dueAt: now + 10 },
    ];
    await scheduler.schedule(deadlines);
    await scheduler.schedule(deadlines.slice(0, 1));
    await expect.poll(() => fired.length, { timeout: 5_000 }).toBe(2);
    expect(fired.map((f) => f.deadline.id).sort()).toEqual(['op-1.o1', 'sip:call@host']);
    const keys = await connection.keys(`${testRedis.keyPrefix}bull:acd-deadlines:*`);
    expect(keys.length).toBeGreaterThan(0);
    await scheduler.close();
  });
});
