// The sweeper against a real Postgres (a cloned test database) and a real
// Redis (its own key prefix): which open calls it closes, and which it leaves.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedCallClock } from '../../ivr/simulated-call-clock.ts';
import { createLogger } from '../../platform/logger.ts';
import { createTestDatabase, type TestDatabase } from '../../test/test-database.ts';
import { createTestRedis, type TestRedis } from '../../test/test-redis.ts';
import { CallRecordRepository } from '../../sql/repositories/call-record-repository.ts';
import { OpenCallSweeper } from './open-call-sweeper.ts';

let database: TestDatabase;
let testRedis: TestRedis;
beforeAll(async () => {
  database = await createTestDatabase();
  testRedis = createTestRedis();
});
afterEach(async () => {
  // What one test leaves open must not be another's to sweep.
  await database.db
    .updateTable('calls')
    .set({ ended_at: new Date(now) })
    .where('ended_at', 'is', null)
    .execute();
});
afterAll(async () => {
  await testRedis.cleanup();
  await database.cleanup();
});

const now = Date.parse('2026-03-01T12:00:00Z');
const minutes = (n: number) => new Date(now - n * 60_000);

function sweeper(instanceId: string, clock = new SimulatedCallClock(now)) {
  return new OpenCallSweeper({
    db: database.db,
    redis: testRedis.connect(),
    keyPrefix: testRedis.keyPrefix,
    instanceId,
    clock,
    logger: createLogger({ level: 'silent' }),
  });
}

async function call(fields: {
  instance: string | null;
  startedMinutesAgo: number;
  bridged?: boolean;
  enqueued?: boolean;
  ended?: boolean;
}) {
  const id = randomUUID();
  await database.db
    .insertInto('calls')
    .values({
      id,
      direction: 'inbound',
      from_number: '+15550001111',
      to_number: '+15550002222',
      started_at: minutes(fields.startedMinutesAgo),
      answered_at: minutes(fields.startedMinutesAgo),
      enqueued_at: fields.enqueued === true ? minutes(fields.startedMinutesAgo) : null,
      bridged_at: fields.bridged === true ? minutes(fields.startedMinutesAgo) : null,
      ended_at: fields.ended === true ? minutes(1) : null,
      instance_id: fields.instance,
    })
    .execute();
  return id;
}

function row(id: string) {
  return database.db
    .selectFrom('calls')
    .select(['ended_at', 'hangup_cause', 'disposition'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

describe('OpenCallSweeper', () => {
  it('closes the calls of processes whose heartbeat lapsed, and only those', async () => {
    // alive-1 beats (written here: a running sweeper would sweep too, racing this test's own).
    const redis = testRedis.connect();
    await redis.set(`${testRedis.keyPrefix}voice:instances:alive-1`, '1', 'PX', 30_000);
    const mine = sweeper('me-1');
    const deadBridged = await call({ instance: 'dead-1', startedMinutesAgo: 5, bridged: true });
    const deadQueued = await call({ instance: 'dead-1', startedMinutesAgo: 5, enqueued: true });
    const deadEnded = await call({ instance: 'dead-1', startedMinutesAgo: 5, ended: true });
    const aliveOpen = await call({ instance: 'alive-1', startedMinutesAgo: 5 });
    const mineOpen = await call({ instance: 'me-1', startedMinutesAgo: 5 });
    const unownedOld = await call({ instance: null, startedMinutesAgo: 4 * 60, enqueued: true });
    const unownedRecent = await call({ instance: null, startedMinutesAgo: 10 });

    expect(await mine.sweepOnce()).toBe(3);

    expect(await row(deadBridged)).toMatchObject({
      hangup_cause: 'instanceLost',
      disposition: 'completed',
    });
    expect(await row(deadQueued)).toMatchObject({
      hangup_cause: 'instanceLost',
      disposition: 'abandoned',
    });
    expect(await row(unownedOld)).toMatchObject({
      hangup_cause: 'instanceLost',
      disposition: 'abandoned',
    });
    expect((await row(deadBridged)).ended_at).toEqual(new Date(now));
    for (const open of [aliveOpen, mineOpen, unownedRecent]) {
      expect((await row(open)).ended_at, 'left open').toBeNull();
    }
    expect((await row(deadEnded)).hangup_cause).toBeNull();
    const events = await database.db
      .selectFrom('call_events')
      .select(['call_id', 'type'])
      .where('event_id', 'like', '%:instance-lost')
      .execute();
    expect(events.map((e) => e.call_id).sort()).toEqual(
      [deadBridged, deadQueued, unownedOld].sort(),
    );
    expect(events.every((e) => e.type === 'call.ended')).toBe(true);

    // A second sweep, here or by another instance, finds nothing more to close.
    expect(await mine.sweepOnce()).toBe(0);
  });

  it('closes the calls of a process once it stops beating, and stop() removes the heartbeat', async () => {
    const other = sweeper('leaving-1');
    other.start();
    const open = await call({ instance: 'leaving-1', startedMinutesAgo: 2 });
    const redis = testRedis.connect();
    const key = `${testRedis.keyPrefix}voice:instances:leaving-1`;
    for (let i = 0; i < 50 && (await redis.exists(key)) === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await redis.pttl(key)).toBeGreaterThan(0);
    const mine = sweeper('me-2');
    expect(await mine.sweepOnce()).toBe(0);
    await other.stop();
    expect(await redis.exists(key)).toBe(0);
    expect(await mine.sweepOnce()).toBe(1);
    expect((await row(open)).hangup_cause).toBe('instanceLost');
  });

  it('names the process on the rows the call record path writes, which is what a sweep goes by', async () => {
    const id = randomUUID();
    await new CallRecordRepository(database.db, 'writer-1').writeBatch([
      {
        kind: 'call',
        call: {
          id,
          direction: 'inbound',
          fromNumber: '+15550001111',
          toNumber: '+15550002222',
          did: null,
          sipCallId: null,
          flowId: null,
          queueId: null,
          agentId: null,
          startedAt: minutes(3),
          answeredAt: minutes(3),
          enqueuedAt: null,
          offeredAt: null,
          bridgedAt: null,
          endedAt: null,
          hangupCause: null,
          disposition: null,
          sipStatus: 200,
        },
      },
    ]);
    const stored = await database.db
      .selectFrom('calls')
      .select('instance_id')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.instance_id).toBe('writer-1');
    // writer-1 never beat: its open call is closed, as answered in the IVR.
    expect(await sweeper('me-3').sweepOnce()).toBe(1);
    expect(await row(id)).toMatchObject({
      hangup_cause: 'instanceLost',
      disposition: 'self-service',
    });
  });
});
