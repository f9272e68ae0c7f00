/** The audit budget on a real Redis (a key prefix of its own) with a manual clock. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock.ts';
import { createTestRedis, type TestRedis } from '../../test/test-redis.ts';
import { createAuthKeys } from '../auth/auth-keys.ts';
import { AuditBudget } from './audit-budget.ts';

let redis: TestRedis;
beforeAll(() => {
  redis = createTestRedis();
});
afterAll(async () => {
  await redis.cleanup();
});

function budget(clock: ManualClock, entriesPerMinute: number): AuditBudget {
  return new AuditBudget(redis.connect(), createAuthKeys(redis.keyPrefix), clock, {
    entriesPerMinute,
  });
}

describe('AuditBudget', () => {
  it('admits a minute’s budget, counts the rest, and hands the count to the next entry written', async () => {
    const clock = new ManualClock(1_800_000_000_000);
    const logins = budget(clock, 3);
    const admitted = [];
    for (let i = 0; i < 8; i += 1) admitted.push(await logins.admit('login', '203.0.113.7'));
    expect(admitted).toEqual([
      { admitted: true, suppressed: 0 },
      { admitted: true, suppressed: 0 },
      { admitted: true, suppressed: 0 },
      { admitted: false },
      { admitted: false },
      { admitted: false },
      { admitted: false },
      { admitted: false },
    ]);
    clock.advance(60_000);
    expect(await logins.admit('login', '203.0.113.7')).toEqual({ admitted: true, suppressed: 5 });
    expect(await logins.admit('login', '203.0.113.7')).toEqual({ admitted: true, suppressed: 0 });
  });

  it('keeps separate budgets per subject and per kind', async () => {
    const clock = new ManualClock(1_900_000_000_000);
    const shared = budget(clock, 1);
    expect(await shared.admit('login', '198.51.100.1')).toEqual({ admitted: true, suppressed: 0 });
    expect(await shared.admit('login', '198.51.100.1')).toEqual({ admitted: false });
    expect(await shared.admit('login', '198.51.100.2')).toEqual({ admitted: true, suppressed: 0 });
    expect(await shared.admit('denied', '198.51.100.1')).toEqual({ admitted: true, suppressed: 0 });
  });
});
