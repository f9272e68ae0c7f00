// Real Postgres (a cloned test database per file).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeVoicemailBoxContract } from '../../ivr/voicemail-box-contract.ts';
import { createTestDatabase, type TestDatabase } from '../../test/test-database.ts';
import { PostgresVoicemailBox } from './postgres-voicemail-box.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.db.insertInto('queues').values({ name: 'support' }).execute();
});
afterAll(async () => {
  await t.cleanup();
});

describeVoicemailBoxContract('Postgres', () =>
  Promise.resolve({
    box: new PostgresVoicemailBox(t.db),
    knownMailbox: 'support',
    close: () => Promise.resolve(),
  }),
);

describe('Postgres voicemail box', () => {
  it("opens a ticket in the mailbox's queue with the caller as requester", async () => {
    const box = new PostgresVoicemailBox(t.db);
    const stored = await box.store({
      mailbox: 'support',
      callId: '7c000000-0000-4000-8000-000000000001',
      callerNumber: '+442071234567',
      recordingUri: 'file:///var/recordings/vm-1.wav',
      durationMs: 21_400,
    });
    const ticket = await t.db
      .selectFrom('tickets')
      .innerJoin('queues', 'queues.id', 'tickets.queue_id')
      .innerJoin('contact_phones', 'contact_phones.contact_id', 'tickets.requester_id')
      .select([
        'tickets.subject',
        'tickets.status',
        'queues.name as queue',
        'contact_phones.normalized',
      ])
      .where('tickets.id', '=', stored.ticketId)
      .executeTakeFirstOrThrow();
    expect(ticket).toEqual({
      subject: 'Voicemail from +442071234567 (21 s)',
      status: 'new',
      queue: 'support',
      normalized: '+442071234567',
    });
    const event = await t.db
      .selectFrom('ticket_events')
      .select(['type', 'details'])
      .where('ticket_id', '=', stored.ticketId)
      .executeTakeFirstOrThrow();
    expect(event.type).toBe('created');
    expect(event.details).toMatchObject({
      source: 'voicemail',
      recordingUri: 'file:///var/recordings/vm-1.wav',
    });
  });

  it('reuses the contact a known number belongs to', async () => {
    const box = new PostgresVoicemailBox(t.db);
    const a = await box.store({
      mailbox: 'support',
      callId: '7c000000-0000-4000-8000-000000000002',
      callerNumber: '+15557654321',
      recordingUri: 'file:///r/a.wav',
      durationMs: 1000,
    });
    const b = await box.store({
      mailbox: 'support',
      callId: '7c000000-0000-4000-8000-000000000003',
      callerNumber: '15557654321',
      recordingUri: 'file:///r/b.wav',
      durationMs: 1000,
    });
    const requesters = await t.db
      .selectFrom('tickets')
      .select('requester_id')
      .where('id', 'in', [a.ticketId, b.ticketId])
      .execute();
    expect(requesters).toHaveLength(2);
    expect(requesters[0]?.requester_id).not.toBeNull();
    expect(requesters[0]?.requester_id).toBe(requesters[1]?.requester_id);
  });

  it('leaves a withheld number without a requester', async () => {
    const stored = await new PostgresVoicemailBox(t.db).store({
      mailbox: 'support',
      callId: '7c000000-0000-4000-8000-000000000004',
      callerNumber: 'anonymous',
      recordingUri: 'file:///r/c.wav',
      durationMs: 3000,
    });
    const ticket = await t.db
      .selectFrom('tickets')
      .select(['requester_id', 'subject'])
      .where('id', '=', stored.ticketId)
      .executeTakeFirstOrThrow();
    expect(ticket).toEqual({ requester_id: null, subject: 'Voicemail from anonymous (3 s)' });
  });
});
