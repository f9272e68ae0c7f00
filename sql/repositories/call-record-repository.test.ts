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
});
