/**
 * CallRecordWriter's spool rules on a simulated clock, with a store that
 * fails on demand and the in-memory spool twin (the file spool passes the
 * same contract: call-record-spool.contract.test.ts). Postgres-backed runs:
 * call-record-writer.test.ts and test/faults/postgres-outage.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedCallClock } from '../../ivr/simulated-call-clock.ts';
import { createLogger } from '../../platform/logger.ts';
import type { CallRecordItem, CallSnapshot } from './call-record.ts';
import { CallRecordWriter } from './call-record-writer.ts';
import { MemoryCallRecordSpool } from './memory-call-record-spool.ts';

const logger = createLogger({ level: 'silent' });

function call(id: string, sipStatus: number | null = null): CallRecordItem {
  const snapshot: CallSnapshot = {
    id,
    direction: 'inbound',
    fromNumber: '+15550001111',
    toNumber: '+15550002222',
    did: null,
    sipCallId: null,
    flowId: null,
    queueId: null,
    agentId: null,
    startedAt: new Date(0),
    answeredAt: null,
    enqueuedAt: null,
    offeredAt: null,
    bridgedAt: null,
    endedAt: null,
    hangupCause: null,
    disposition: null,
    sipStatus,
  };
  return { kind: 'call', call: snapshot };
}

const label = (item: CallRecordItem) =>
  item.kind === 'call' ? `${item.call.id}@${item.call.sipStatus ?? '-'}` : item.kind;

/** A store that is down until `up` is set, and remembers what it wrote, in order. */
function flakyStore() {
  const state = { up: false, written: [] as string[] };
  return {
    state,
    store: {
      writeBatch(items: readonly CallRecordItem[]) {
        if (!state.up) return Promise.reject(new Error('ECONNREFUSED'));
        state.written.push(...items.map(label));
        return Promise.resolve();
      },
    },
  };
}

function writerOn(clock: SimulatedCallClock, spool: MemoryCallRecordSpool, store = flakyStore()) {
  const writer = new CallRecordWriter({
    store: store.store,
    clock,
    logger,
    spool,
    capacity: 3,
    batchSize: 2,
    coalesceMs: 0,
    retryDelayMs: 100,
    maxRetryDelayMs: 100,
  });
  return { writer, ...store };
}

describe('CallRecordWriter with a spool', () => {
  it('spools past capacity, keeps taking calls, and writes everything back in order', async () => {
    const clock = new SimulatedCallClock(0);
    const spool = new MemoryCallRecordSpool(2);
    const { writer, state } = writerOn(clock, spool);
    for (const id of ['a', 'b', 'c', 'd', 'e']) writer.write(call(id));
    // A newer snapshot replaces a waiting one in memory, but not once anything is spooled.
    writer.write(call('a', 180));
    writer.write(call('d', 200));
    expect(spool.size).toBe(4);
    expect(writer.pending).toBe(7);
    expect(writer.hasRoomForNewCalls).toBe(true);
    await clock.advance(250);
    state.up = true;
    await clock.advance(100);
    expect(state.written).toEqual(['a@-', 'b@-', 'c@-', 'd@-', 'e@-', 'a@180', 'd@200']);
    expect(writer.pending).toBe(0);
    expect(spool.size).toBe(0);
  });

  it('puts what memory holds at close ahead of the spool, for the next writer to write', async () => {
    const clock = new SimulatedCallClock(0);
    const spool = new MemoryCallRecordSpool(2);
    const first = writerOn(clock, spool);
    for (const id of ['a', 'b', 'c', 'd']) first.writer.write(call(id));
    await clock.advance(150);
    first.writer.close();
    expect(spool.size).toBe(4);
    expect(clock.pendingTimerCount).toBe(0);

    const up = flakyStore();
    up.state.up = true;
    // The next writer starts on what it finds in the spool, unasked.
    const next = writerOn(clock, spool, up);
    await clock.advance(10);
    expect(next.state.written).toEqual(['a@-', 'b@-', 'c@-', 'd@-']);
    expect(await next.writer.drain()).toBe(true);
  });

  it('keeps records in memory and refuses new calls while the spool refuses them', async () => {
    const clock = new SimulatedCallClock(0);
    const spool = new MemoryCallRecordSpool(2);
    let diskFull = true;
    const append = spool.append.bind(spool);
    const failingSpool = Object.assign(spool, {
      append(item: CallRecordItem) {
        if (diskFull) throw new Error('ENOSPC');
        append(item);
      },
    });
    const { writer, state } = writerOn(clock, failingSpool);
    for (const id of ['a', 'b', 'c', 'd']) writer.write(call(id));
    expect(writer.pending).toBe(4);
    expect(writer.hasRoomForNewCalls).toBe(false);
    diskFull = false;
    writer.write(call('e'));
    expect(spool.size).toBe(1);
    expect(writer.hasRoomForNewCalls).toBe(true);
    state.up = true;
    await clock.advance(200);
    expect(state.written).toEqual(['a@-', 'b@-', 'c@-', 'd@-', 'e@-']);
  });
});
