// Real Postgres: one cloned, migrated database for this file. What the call
// record path stores, straight through the repository (the writer's buffering
// is tested in media/call-record/call-record-writer.test.ts).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/test-database.ts';
import { CallRecordRepository, type CallSnapshot } from './call-record-repository.ts';

let database: TestDatabase;
let repository: CallRecordRepository;
beforeAll(async () => {
  database = await createTestDatabase();
  repository = new CallRecordRepository(database.db);
});
afterAll(async () => {
  await database.cleanup();
});

function snapshot(id: string, overrides: Partial<CallSnapshot> = {}): CallSnapshot {
  return {
    id,
    direction: 'inbound',
    fromNumber: '+15550001111',
    toNumber: '+15550002222',
    did: '+15550002222',
    sipCallId: `${id}@192.0.2.10`,
    flowId: null,
    queueId: null,
    agentId: null,
    startedAt: new Date('2026-12-07T10:00:00Z'),
    answeredAt: null,
    enqueuedAt: null,
    offeredAt: null,
    bridgedAt: null,
    endedAt: null,
    hangupCause: null,
    disposition: null,
    sipStatus: null,
    ...overrides,
  };
}

async function callRow(id: string) {
  return database.db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describe('CallRecordRepository', () => {
  it('stores a call that ended in the IVR as self-service', async () => {
    const id = randomUUID();
    await repository.writeBatch([
      {
        kind: 'call',
        call: snapshot(id, {
          endedAt: new Date('2026-12-07T10:01:00Z'),
          hangupCause: 'callerHungUp',
          disposition: 'self-service',
        }),
      },
    ]);
    expect((await callRow(id)).disposition).toBe('self-service');
  });

  it('keeps the earliest offer time whatever the order, through later snapshots and replays', async () => {
    const id = randomUUID();
    const first = new Date('2026-12-07T10:00:05Z');
    const second = new Date('2026-12-07T10:00:25Z');
    const offered = (offeredAt: Date) => ({
      kind: 'offered' as const,
      offered: { callId: id, offeredAt },
    });
    await repository.writeBatch([{ kind: 'call', call: snapshot(id) }]);
    await repository.writeBatch([offered(second)]);
    expect((await callRow(id)).offered_at).toEqual(second);
    await repository.writeBatch([offered(first)]);
    await repository.writeBatch([
      { kind: 'call', call: snapshot(id, { bridgedAt: new Date('2026-12-07T10:00:40Z') }) },
    ]);
    await repository.writeBatch([offered(second)]);
    const row = await callRow(id);
    expect([row.offered_at, row.bridged_at]).toEqual([first, new Date('2026-12-07T10:00:40Z')]);
  });

  it('takes an offer written in the same batch as the call, before or after its snapshots', async () => {
    const id = randomUUID();
    const at = new Date('2026-12-07T10:00:05Z');
    await repository.writeBatch([
      { kind: 'offered', offered: { callId: id, offeredAt: at } },
      { kind: 'call', call: snapshot(id) },
      { kind: 'call', call: snapshot(id, { answeredAt: new Date('2026-12-07T10:00:01Z') }) },
    ]);
    expect((await callRow(id)).offered_at).toEqual(at);
  });

  it('writes an offer for a call it has no row for as nothing, without failing the batch', async () => {
    const id = randomUUID();
    const unknown = randomUUID();
    await repository.writeBatch([
      { kind: 'call', call: snapshot(id) },
      { kind: 'offered', offered: { callId: unknown, offeredAt: new Date() } },
    ]);
    expect((await callRow(id)).offered_at).toBeNull();
    const rows = await database.db
      .selectFrom('calls')
      .select('id')
      .where('id', '=', unknown)
      .execute();
    expect(rows).toEqual([]);
  });

  it('never reopens an ended call with a snapshot from before its end', async () => {
    const id = randomUUID();
    const ended = snapshot(id, {
      endedAt: new Date('2026-12-07T10:05:00Z'),
      hangupCause: 'instanceLost',
      disposition: 'failed',
    });
    await repository.writeBatch([{ kind: 'call', call: ended }]);
    await repository.writeBatch([{ kind: 'call', call: snapshot(id, { sipStatus: 200 }) }]);
    expect((await callRow(id)).hangup_cause).toBe('instanceLost');
    const later = { ...ended, hangupCause: 'callerHungUp', disposition: 'completed' as const };
    await repository.writeBatch([{ kind: 'call', call: later }]);
    expect((await callRow(id)).disposition).toBe('completed');
  });

  it("keeps a call's first owner, and names none for rows an earlier process left in its spool", async () => {
    const owned = randomUUID();
    const inherited = randomUUID();
    await new CallRecordRepository(database.db, 'host/1/a').writeBatch([
      { kind: 'call', call: snapshot(owned) },
    ]);
    const restarted = new CallRecordRepository(database.db, 'host/2/b');
    await restarted.writeBatch([{ kind: 'call', call: snapshot(owned, { sipStatus: 200 }) }]);
    await restarted.writeBatch([{ kind: 'call', call: snapshot(inherited) }], {
      fromEarlierProcess: true,
    });
    expect((await callRow(owned)).instance_id).toBe('host/1/a');
    expect((await callRow(inherited)).instance_id).toBeNull();
  });
});
