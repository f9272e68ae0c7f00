/**
 * Reliability: every ACD and call event delivered twice and out of order.
 * Real: routing on Redis (test/test-routing.ts) makes the offers, rejected
 * and offered again, so its event stream holds real `contact.offered`
 * events; each becomes what the offer ringer writes for it
 * (`recordCallOffered`); calls are recorded by CallRecorder as the voice
 * layer does; all of it goes through the call record writer into Postgres
 * (a cloned test database).
 *
 * Delivery: every record twice. Events (call events, offers, recordings)
 * land anywhere in the stream, often before their call's row exists;
 * snapshots of one call or leg keep their order, as one process's writer
 * keeps them (the only writer of a call's own snapshots).
 *
 * Pass criterion (issue 22): 0 duplicate rows, and nothing lost: every
 * event written once, each call's last state and earliest offer kept.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { systemCallClock } from '../../ivr/call-clock.ts';
import type { CallRecordItem } from '../../media/call-record/call-record.ts';
import { CallRecordWriter } from '../../media/call-record/call-record-writer.ts';
import { recordCallOffered } from '../../media/call-record/call-offered.ts';
import { CallRecorder } from '../../media/call-record/call-recorder.ts';
import { uuidGenerator } from '../../platform/id-generator.ts';
import { createLogger } from '../../platform/logger.ts';
import { CallRecordRepository } from '../../sql/repositories/call-record-repository.ts';
import { createTestRouting, type TestRouting } from '../../routing/test-routing.ts';
import { seededRandom } from '../seeded-random.ts';
import { createTestDatabase, type TestDatabase } from '../test-database.ts';

const callCount = 20;
let database: TestDatabase | undefined;
let routing: TestRouting | undefined;

afterEach(async () => {
  await routing?.cleanup();
  await database?.cleanup();
});

/** One call through routing: offered to one agent, rejected, offered to the other, answered. */
async function routeCall(r: TestRouting, snapshots: CallRecordItem[], events: CallRecordItem[]) {
  const callId = randomUUID();
  const sink = {
    write: (item: CallRecordItem) =>
      (item.kind === 'call' || item.kind === 'leg' ? snapshots : events).push(item),
  };
  const record = new CallRecorder(sink, r.clock, uuidGenerator, {
    id: callId,
    direction: 'inbound',
    fromNumber: '+15550001111',
    toNumber: '+15550000000',
    ownLeg: { role: 'caller', sipUri: 'sip:+15550001111@carrier.example' },
  });
  r.clock.advance(1_000);
  record.update({ answeredAt: new Date(r.clock.now()), sipStatus: 200 }, 'call.answered');
  const enqueuedAt = new Date(r.clock.now());
  await r.acd.enqueue({
    contactId: callId,
    channel: 'voice',
    queueId: 'support',
    requiredSkills: [],
    priority: 3,
  });
  record.update({ enqueuedAt, queueId: 'support' }, 'call.enqueued');
  r.clock.advance(3_000);
  const first = await ringingAgent(r);
  await r.desk.reject(first.agentId, first.offerId);
  r.clock.advance(3_000);
  const second = await ringingAgent(r);
  await r.desk.accept(second.agentId, second.offerId);
  record.update({ bridgedAt: new Date(r.clock.now()), agentId: second.agentId }, 'call.bridged');
  r.clock.advance(60_000);
  await r.desk.complete(second.agentId, callId);
  record.update(
    { endedAt: new Date(r.clock.now()), hangupCause: 'callerHungUp', disposition: 'completed' },
    'call.ended',
  );
  events.push({
    kind: 'recording',
    recording: {
      callId,
      storageUri: `file:///recordings/${callId}.wav`,
      channels: 2,
      startedAt: enqueuedAt,
      durationMs: 60_000,
      bytes: 960_000,
      sha256: 'a'.repeat(64),
      maskedIntervals: [],
    },
  });
  return callId;
}

async function ringingAgent(r: TestRouting) {
  for (const agentId of ['alice', 'bob']) {
    const offer = (await r.desk.status(agentId)).offers[0];
    if (offer) return { agentId, offerId: offer.offerId };
  }
  throw new Error('no agent is ringing');
}

describe('every ACD and call event delivered twice and out of order', () => {
  it('writes no duplicate row and loses nothing', async () => {
    database = await createTestDatabase();
    const r = (routing = createTestRouting());
    await r.admin.configureQueue({ queueId: 'support', maxConsecutiveMisses: 0 });
    for (const agentId of ['alice', 'bob']) {
      await r.admin.configureAgent({ agentId, skills: {}, queues: [{ queueId: 'support' }] });
      await r.desk.logIn(agentId);
    }
    const snapshots: CallRecordItem[] = [];
    const events: CallRecordItem[] = [];
    const callIds: string[] = [];
    for (let n = 0; n < callCount; n += 1) callIds.push(await routeCall(r, snapshots, events));
    // What the offer ringer writes for each contact.offered on the ACD's stream.
    const firstOffer = new Map<string, number>();
    for (const event of await r.events()) {
      if (event.type !== 'contact.offered' || !event.contactId || !event.offerId) continue;
      if (!firstOffer.has(event.contactId)) firstOffer.set(event.contactId, event.at);
      recordCallOffered(
        { write: (item) => events.push(item) },
        {
          callId: event.contactId,
          offerId: event.offerId,
          agentId: event.agentId ?? '',
          at: event.at,
          eventId: event.id,
        },
      );
    }

    // Snapshots twice each, in order; every event twice, anywhere.
    const next = seededRandom(22);
    const delivery = snapshots.flatMap((item) => [item, item]);
    for (const item of [...events, ...events]) {
      delivery.splice(Math.floor(next() * (delivery.length + 1)), 0, item);
    }
    const writer = new CallRecordWriter({
      store: new CallRecordRepository(database.db),
      clock: systemCallClock,
      logger: createLogger({ level: 'silent' }),
      batchSize: 25,
      coalesceMs: 5,
      awaitRetryMs: 50,
    });
    let beforeTheirCall = 0;
    const written = new Set<string>();
    for (const [index, item] of delivery.entries()) {
      if (item.kind === 'call') written.add(item.call.id);
      else if (item.kind !== 'leg' && !written.has(callOf(item))) beforeTheirCall += 1;
      writer.write(item);
      if (index % 40 === 0) await sleep(next() * 20);
    }
    expect(await writer.drain()).toBe(true);
    for (let waited = 0; writer.awaitingCall > 0 && waited < 5_000; waited += 25) await sleep(25);
    writer.close();
    expect(beforeTheirCall).toBeGreaterThan(0);
    expect(writer.awaitingCall).toBe(0);
    expect(writer.refused).toEqual([]);

    const db = database.db;
    const calls = await db.selectFrom('calls').selectAll().execute();
    expect(calls.map((c) => c.id).sort()).toEqual([...callIds].sort());
    for (const call of calls) {
      expect(call.disposition, call.id).toBe('completed');
      expect(call.offered_at?.getTime(), call.id).toBe(firstOffer.get(call.id));
    }
    const legs = await db.selectFrom('call_legs').select(['id', 'ended_at']).execute();
    expect(legs).toHaveLength(callCount);
    expect(legs.filter((leg) => leg.ended_at === null)).toEqual([]);
    const expectedEvents = new Set(
      events.flatMap((e) => (e.kind === 'event' ? [e.event.eventId] : [])),
    );
    const rows = await db.selectFrom('call_events').select(['event_id', 'type']).execute();
    expect(rows).toHaveLength(expectedEvents.size);
    expect(new Set(rows.map((row) => row.event_id))).toEqual(expectedEvents);
    expect(rows.filter((row) => row.type === 'call.offered')).toHaveLength(callCount * 2);
    expect(await db.selectFrom('recordings').select('id').execute()).toHaveLength(callCount);
  });
});

function callOf(item: CallRecordItem): string {
  if (item.kind === 'event') return item.event.callId;
  if (item.kind === 'offered') return item.offered.callId;
  if (item.kind === 'recording') return item.recording.callId;
  return item.kind === 'call' ? item.call.id : item.leg.callId;
}
