/**
 * CallRecordWriter against a real Postgres reached through a TCP proxy the
 * test cuts and restores, so the database really becomes unreachable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemCallClock } from '../../ivr/call-clock.ts';
import { SimulatedCallClock } from '../../ivr/simulated-call-clock.ts';
import { createLogger } from '../../platform/logger.ts';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../../sql/database.ts';
import { postgresClientOptions } from '../../sql/postgres-client-options.ts';
import { CallRecordRepository } from '../../sql/repositories/call-record-repository.ts';
import { TcpProxy } from '../../test/tcp-proxy.ts';
import { createTestDatabase, type TestDatabase } from '../../test/test-database.ts';
import type { CallRecordItem, CallSnapshot } from './call-record.ts';
import { CallRecordWriter } from './call-record-writer.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.cleanup();
});

const logger = createLogger({ level: 'silent' });
const callId = '11111111-1111-4111-8111-111111111111';

function call(overrides: Partial<CallSnapshot> = {}): CallRecordItem {
  return {
    kind: 'call',
    call: {
      id: callId,
      direction: 'inbound',
      fromNumber: '+15550001111',
      toNumber: '+15550002222',
      did: '+15550002222',
      sipCallId: 'abc@192.0.2.10',
      flowId: null,
      queueId: null,
      agentId: null,
      startedAt: new Date('2026-03-01T10:00:00Z'),
      answeredAt: null,
      enqueuedAt: null,
      offeredAt: null,
      bridgedAt: null,
      endedAt: null,
      hangupCause: null,
      disposition: null,
      sipStatus: null,
      ...overrides,
    },
  };
}

function event(n: number): CallRecordItem {
  return {
    kind: 'event',
    event: {
      eventId: `${callId}:${n}`,
      callId,
      type: 'flow.state-entered',
      occurredAt: new Date(Date.UTC(2026, 2, 1, 10, 0, n)),
      payload: { n },
    },
  };
}

describe('CallRecordWriter with Postgres going away', () => {
  it('buffers while Postgres is unreachable and writes everything, once, when it returns', async () => {
    const target = new URL(database.url);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    const port = await proxy.start();
    const proxied = new URL(database.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(port);
    // A client checked out when its connection drops emits 'error' with no
    // pool listener attached; without this the test process would crash
    // (sql/connect-database.ts has the same gap; see media/README.md).
    const pool = new pg.Pool({ ...postgresClientOptions(proxied.toString()), max: 2 });
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const writer = new CallRecordWriter({
      store: new CallRecordRepository(db),
      clock: systemCallClock,
      logger,
      capacity: 8,
      retryDelayMs: 20,
      maxRetryDelayMs: 100,
    });
    try {
      writer.write(call());
      writer.write(event(1));
      expect(await writer.drain()).toBe(true);

      await proxy.cut();
      writer.write(call({ answeredAt: new Date('2026-03-01T10:00:02Z') }));
      for (let n = 2; n <= 5; n++) writer.write(event(n));
      writer.write(event(1));
      for (let waited = 0; !writer.retrying; waited += 10) {
        if (waited > 10_000) throw new Error('writer never noticed the outage');
        await sleep(10);
      }
      writer.write(
        call({
          answeredAt: new Date('2026-03-01T10:00:02Z'),
          endedAt: new Date('2026-03-01T10:03:00Z'),
          hangupCause: 'callerHungUp',
          disposition: 'completed',
        }),
      );
      // The two snapshots of the call share one slot: 1 call + 5 events.
      expect(writer.pending).toBe(6);
      expect(writer.hasRoomForNewCalls).toBe(false);

      await proxy.start();
      expect(await writer.drain()).toBe(true);
      expect(writer.pending).toBe(0);
      expect(writer.hasRoomForNewCalls).toBe(true);
    } finally {
      writer.close();
      await proxy.cut();
      await db.destroy();
    }

    const row = await database.db
      .selectFrom('calls')
      .selectAll()
      .where('id', '=', callId)
      .executeTakeFirstOrThrow();
    expect(row.disposition).toBe('completed');
    expect(row.hangup_cause).toBe('callerHungUp');
    expect(row.ended_at?.toISOString()).toBe('2026-03-01T10:03:00.000Z');
    const events = await database.db
      .selectFrom('call_events')
      .select(['event_id'])
      .where('call_id', '=', callId)
      .orderBy('occurred_at')
      .execute();
    expect(events.map((e) => e.event_id)).toEqual([1, 2, 3, 4, 5].map((n) => `${callId}:${n}`));
  });

  it('writes legs and recordings idempotently', async () => {
    const writer = new CallRecordWriter({
      store: new CallRecordRepository(database.db),
      clock: systemCallClock,
      logger,
    });
    const otherCall = '22222222-2222-4222-8222-222222222222';
    const leg: CallRecordItem = {
      kind: 'leg',
      leg: {
        id: '33333333-3333-4333-8333-333333333333',
        callId: otherCall,
        role: 'agent',
        userId: null,
        sipUri: 'sip:alice@198.51.100.7',
        sipCallId: 'leg@198.51.100.7',
        mediaUuid: 'fs-uuid',
        startedAt: new Date('2026-03-01T10:00:10Z'),
        answeredAt: null,
        endedAt: null,
        hangupCause: null,
        sipStatus: null,
      },
    };
    const recording: CallRecordItem = {
      kind: 'recording',
      recording: {
        callId: otherCall,
        storageUri: 'file:///var/recordings/x.wav',
        channels: 2,
        startedAt: new Date('2026-03-01T10:00:12Z'),
        durationMs: 60_000,
        bytes: 1_920_044,
        sha256: 'a'.repeat(64),
        maskedIntervals: [{ fromMs: 1000, toMs: 9000 }],
      },
    };
    for (let round = 0; round < 2; round++) {
      const snapshot = call();
      if (snapshot.kind === 'call')
        writer.write({ kind: 'call', call: { ...snapshot.call, id: otherCall } });
      writer.write(leg);
      if (leg.kind === 'leg') writer.write({ kind: 'leg', leg: { ...leg.leg, sipStatus: 200 } });
      writer.write(recording);
      expect(await writer.drain()).toBe(true);
    }
    const legs = await database.db
      .selectFrom('call_legs')
      .selectAll()
      .where('call_id', '=', otherCall)
      .execute();
    expect(legs.map((l) => l.sip_status)).toEqual([200]);
    const recordings = await database.db
      .selectFrom('recordings')
      .selectAll()
      .where('call_id', '=', otherCall)
      .execute();
    expect(recordings).toHaveLength(1);
    expect(recordings[0]?.masked_intervals).toEqual([{ fromMs: 1000, toMs: 9000 }]);
  });

  it('records the queue named by a flow, and a vanished agent as none', async () => {
    const queue = await database.db
      .insertInto('queues')
      .values({ name: 'billing' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const writer = new CallRecordWriter({
      store: new CallRecordRepository(database.db),
      clock: systemCallClock,
      logger,
    });
    const id = '44444444-4444-4444-8444-444444444444';
    const snapshot = call();
    if (snapshot.kind !== 'call') throw new Error('fixture');
    writer.write({
      kind: 'call',
      call: {
        ...snapshot.call,
        id,
        queueId: 'billing',
        agentId: '55555555-5555-4555-8555-555555555555',
      },
    });
    expect(await writer.drain()).toBe(true);
    const row = await database.db
      .selectFrom('calls')
      .select(['queue_id', 'agent_id'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ queue_id: queue.id, agent_id: null });
  });

  it('sets aside a record Postgres refuses for its content and writes everything around it', async () => {
    const writer = new CallRecordWriter({
      store: new CallRecordRepository(database.db),
      clock: systemCallClock,
      logger,
    });
    const id = '66666666-6666-4666-8666-666666666666';
    const snapshot = call();
    if (snapshot.kind !== 'call') throw new Error('fixture');
    const before: CallRecordItem = { kind: 'call', call: { ...snapshot.call, id } };
    // A SIP status outside 100-699 breaks the calls_sip_status_check constraint.
    const poison: CallRecordItem = {
      kind: 'call',
      call: { ...snapshot.call, id: '77777777-7777-4777-8777-777777777777', sipStatus: 42 },
    };
    const after: CallRecordItem = {
      kind: 'event',
      event: {
        eventId: `${id}:after`,
        callId: id,
        type: 'call.ended',
        occurredAt: new Date('2026-03-01T10:05:00Z'),
        payload: {},
      },
    };
    writer.write(before);
    writer.write(poison);
    writer.write(after);
    expect(await writer.drain()).toBe(true);
    expect(writer.refused).toEqual([poison]);
    expect(writer.pending).toBe(0);
    const events = await database.db
      .selectFrom('call_events')
      .select('event_id')
      .where('call_id', '=', id)
      .execute();
    expect(events).toEqual([{ event_id: `${id}:after` }]);
    const poisoned = await database.db
      .selectFrom('calls')
      .select('id')
      .where('id', '=', '77777777-7777-4777-8777-777777777777')
      .execute();
    expect(poisoned).toEqual([]);
  });

  it('retries with growing delays on its clock', async () => {
    const clock = new SimulatedCallClock(0);
    const attempts: number[] = [];
    let up = false;
    const writer = new CallRecordWriter({
      store: {
        writeBatch: () => {
          attempts.push(clock.now());
          return up ? Promise.resolve() : Promise.reject(new Error('ECONNREFUSED'));
        },
      },
      clock,
      logger,
      retryDelayMs: 100,
      maxRetryDelayMs: 300,
      coalesceMs: 0,
    });
    writer.write(event(1));
    await clock.advance(1000);
    expect(attempts).toEqual([0, 100, 300, 600, 900]);
    up = true;
    await clock.advance(300);
    expect(writer.pending).toBe(0);
    expect(clock.pendingTimerCount).toBe(0);
  });
});

describe('CallRecordWriter coalescing', () => {
  it('holds a first record for coalesceMs so the records that follow share its write', async () => {
    const clock = new SimulatedCallClock(0);
    const batches: { at: number; items: number }[] = [];
    const writer = new CallRecordWriter({
      store: {
        writeBatch: (items) => {
          batches.push({ at: clock.now(), items: items.length });
          return Promise.resolve();
        },
      },
      clock,
      logger,
      coalesceMs: 50,
    });
    writer.write(call());
    await clock.advance(20);
    writer.write(call({ sipStatus: 200 }));
    writer.write(event(1));
    await clock.advance(20);
    expect(batches).toEqual([]);
    await clock.advance(10);
    // The second snapshot replaced the first while it waited: two items, one write, at 50 ms.
    expect(batches).toEqual([{ at: 50, items: 2 }]);
    writer.write(event(2));
    expect(await writer.drain()).toBe(true);
    // drain does not wait out the coalescing delay.
    expect(batches).toEqual([
      { at: 50, items: 2 },
      { at: 50, items: 1 },
    ]);
  });
});

describe('CallRecordRepository.writeBatch', () => {
  it('writes one batch of several calls, legs and events, the last snapshot of each winning, and a replay changes nothing', async () => {
    const repository = new CallRecordRepository(database.db);
    const first = '44444444-4444-4444-8444-444444444444';
    const second = '55555555-5555-4555-8555-555555555555';
    const snapshot = (id: string, overrides: Partial<CallSnapshot>): CallRecordItem => {
      const base = call(overrides);
      return base.kind === 'call' ? { kind: 'call', call: { ...base.call, id } } : base;
    };
    const leg = (sipStatus: number | null): CallRecordItem => ({
      kind: 'leg',
      leg: {
        id: '66666666-6666-4666-8666-666666666666',
        callId: first,
        role: 'caller',
        userId: null,
        sipUri: 'sip:+15550001111@192.0.2.10',
        sipCallId: 'c@192.0.2.10',
        mediaUuid: null,
        startedAt: new Date('2026-03-01T10:00:00Z'),
        answeredAt: null,
        endedAt: null,
        hangupCause: null,
        sipStatus,
      },
    });
    const eventOf = (id: string, n: number): CallRecordItem => ({
      kind: 'event',
      event: {
        eventId: `${id}:${n}`,
        callId: id,
        type: 'call.answered',
        occurredAt: new Date(Date.UTC(2026, 2, 1, 10, 0, n)),
        payload: { n },
      },
    });
    const batch: CallRecordItem[] = [
      snapshot(first, {}),
      snapshot(second, { fromNumber: '+15550003333' }),
      leg(null),
      eventOf(first, 1),
      snapshot(first, { sipStatus: 200, answeredAt: new Date('2026-03-01T10:00:01Z') }),
      leg(200),
      eventOf(first, 1),
      eventOf(second, 2),
      snapshot(first, { sipStatus: 200, hangupCause: 'normal', disposition: 'completed' }),
    ];
    await repository.writeBatch(batch);
    await repository.writeBatch(batch);

    const calls = await database.db
      .selectFrom('calls')
      .select(['id', 'sip_status', 'hangup_cause', 'disposition', 'answered_at', 'from_number'])
      .where('id', 'in', [first, second])
      .orderBy('id')
      .execute();
    // The last snapshot of the first call is the row, answeredAt included (it has none).
    expect(calls).toEqual([
      {
        id: first,
        sip_status: 200,
        hangup_cause: 'normal',
        disposition: 'completed',
        answered_at: null,
        from_number: '+15550001111',
      },
      {
        id: second,
        sip_status: null,
        hangup_cause: null,
        disposition: null,
        answered_at: null,
        from_number: '+15550003333',
      },
    ]);
    const legs = await database.db
      .selectFrom('call_legs')
      .select(['sip_status'])
      .where('call_id', '=', first)
      .execute();
    expect(legs).toEqual([{ sip_status: 200 }]);
    const events = await database.db
      .selectFrom('call_events')
      .select(['event_id'])
      .where('call_id', 'in', [first, second])
      .orderBy('event_id')
      .execute();
    expect(events.map((e) => e.event_id)).toEqual([`${first}:1`, `${second}:2`]);
  });
});
