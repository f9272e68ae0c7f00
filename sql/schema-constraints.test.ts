// Real Postgres: one cloned, migrated database for this file. Each case tries
// to store something the data model must refuse.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/test-database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.cleanup();
});

async function newUser(email: string, role: 'agent' | 'supervisor' | 'admin' = 'agent') {
  return t.db
    .insertInto('users')
    .values({ email, display_name: email.split('@')[0] ?? email, role })
    .returning('id')
    .executeTakeFirstOrThrow();
}

async function newCall(id: string) {
  await t.db
    .insertInto('calls')
    .values({
      id,
      direction: 'inbound',
      from_number: '+15551230001',
      to_number: '+15550000000',
      started_at: new Date(),
    })
    .execute();
}

describe('data model constraints', () => {
  it('rejects a ticket status outside new/open/pending/on-hold/solved/closed', async () => {
    await expect(
      sql`INSERT INTO tickets (subject, status) VALUES ('Broken phone', 'resolved')`.execute(t.db),
    ).rejects.toThrow(/tickets_status_check/);
    const ok = await t.db
      .insertInto('tickets')
      .values({ subject: 'Broken phone', status: 'on-hold' })
      .returning(['status', 'number'])
      .executeTakeFirstOrThrow();
    expect(ok.status).toBe('on-hold');
  });

  it('keeps call event ids unique, so a replayed event is ignored', async () => {
    const callId = '00000000-0000-4000-8000-000000000001';
    await newCall(callId);
    const event = {
      event_id: 'evt-1',
      call_id: callId,
      type: 'answered',
      occurred_at: new Date(),
      payload: '{}',
    };
    await t.db.insertInto('call_events').values(event).execute();
    await expect(t.db.insertInto('call_events').values(event).execute()).rejects.toThrow(
      /call_events_pkey/,
    );
    const replay = await t.db
      .insertInto('call_events')
      .values(event)
      .onConflict((oc) => oc.column('event_id').doNothing())
      .execute();
    expect(Number(replay[0]?.numInsertedOrUpdatedRows)).toBe(0);
  });

  it('rejects skill levels outside 1-10', async () => {
    const user = await newUser('levels@example.com');
    const skill = await t.db
      .insertInto('skills')
      .values({ name: 'spanish' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await expect(
      t.db
        .insertInto('user_skills')
        .values({ user_id: user.id, skill_id: skill.id, level: 11 })
        .execute(),
    ).rejects.toThrow(/user_skills_level_check/);
    await t.db
      .insertInto('user_skills')
      .values({ user_id: user.id, skill_id: skill.id, level: 10 })
      .execute();
  });

  it('stores SIP credentials only as a 32-hex-digit HA1, never a plain password', async () => {
    const user = await newUser('sip@example.com');
    await expect(
      t.db
        .insertInto('sip_credentials')
        .values({ user_id: user.id, username: '1001', realm: 'sb.local', ha1: 'hunter2' })
        .execute(),
    ).rejects.toThrow(/sip_credentials_ha1_check/);
  });

  it('rejects an unknown role and a duplicate email regardless of case', async () => {
    await expect(
      sql`INSERT INTO users (email, display_name, role) VALUES ('x@example.com', 'X', 'owner')`.execute(
        t.db,
      ),
    ).rejects.toThrow(/users_role_check/);
    await newUser('Case@Example.com');
    await expect(newUser('case@example.com')).rejects.toThrow(/users_email_key/);
  });

  it('allows one published version per flow', async () => {
    const base = { name: 'main-menu', definition: JSON.stringify({ id: 'main-menu' }) };
    await t.db
      .insertInto('flows')
      .values({ ...base, version: 1, published: true, published_at: new Date() })
      .execute();
    await t.db
      .insertInto('flows')
      .values({ ...base, version: 2 })
      .execute();
    await expect(
      t.db
        .insertInto('flows')
        .values({ ...base, version: 3, published: true, published_at: new Date() })
        .execute(),
    ).rejects.toThrow(/flows_one_published_idx/);
    await expect(
      t.db
        .insertInto('flows')
        .values({ ...base, version: 2 })
        .execute(),
    ).rejects.toThrow(/flows_name_version_key/);
  });

  it('rejects a queue with an unknown strategy or a service-level percent above 100', async () => {
    await expect(
      sql`INSERT INTO queues (name, strategy) VALUES ('sales', 'loudest')`.execute(t.db),
    ).rejects.toThrow(/queues_strategy_check/);
    await expect(
      t.db.insertInto('queues').values({ name: 'sales', service_level_percent: 120 }).execute(),
    ).rejects.toThrow(/queues_service_level_percent_check/);
  });

  it('keeps the audit log append-only', async () => {
    await t.db
      .insertInto('audit_log')
      .values({ actor_label: 'system', action: 'user.create', target_type: 'user', details: '{}' })
      .execute();
    await expect(sql`UPDATE audit_log SET action = 'user.delete'`.execute(t.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`DELETE FROM audit_log`.execute(t.db)).rejects.toThrow(/append-only/);
    const rows = await t.db.selectFrom('audit_log').select('action').execute();
    expect(rows).toEqual([{ action: 'user.create' }]);
  });

  it('rejects a contact phone that is not normalised to E.164', async () => {
    const contact = await t.db
      .insertInto('contacts')
      .values({ attributes: '{}', consent: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await expect(
      t.db
        .insertInto('contact_phones')
        .values({ contact_id: contact.id, phone: '(555) 123', normalized: '555123' })
        .execute(),
    ).rejects.toThrow(/contact_phones_normalized_check/);
  });

  it('rejects a CSAT score outside 1-5 and a response tied to nothing', async () => {
    const callId = '00000000-0000-4000-8000-000000000002';
    await newCall(callId);
    await expect(
      t.db.insertInto('csat_responses').values({ call_id: callId, score: 6 }).execute(),
    ).rejects.toThrow(/csat_responses_score_check/);
    await expect(t.db.insertInto('csat_responses').values({ score: 4 }).execute()).rejects.toThrow(
      /csat_responses_check/,
    );
  });

  it('rejects a recording checksum that is not a SHA-256 hex digest and a call ending before it started', async () => {
    const callId = '00000000-0000-4000-8000-000000000003';
    await newCall(callId);
    await expect(
      t.db
        .insertInto('recordings')
        .values({
          call_id: callId,
          storage_uri: 'file:///r.wav',
          started_at: new Date(),
          duration_ms: 1,
          bytes: 44,
          sha256: 'abc',
          masked_intervals: '[]',
        })
        .execute(),
    ).rejects.toThrow(/recordings_sha256_check/);
    await expect(
      t.db
        .updateTable('calls')
        .set({ ended_at: new Date(Date.now() - 86_400_000) })
        .where('id', '=', callId)
        .execute(),
    ).rejects.toThrow(/calls_check/);
  });

  it('rejects a closing time before the opening time in business hours', async () => {
    const calendar = await t.db
      .insertInto('business_hours_calendars')
      .values({ name: 'UK', time_zone: 'Europe/London' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await expect(
      t.db
        .insertInto('business_hours_intervals')
        .values({ calendar_id: calendar.id, weekday: 1, opens_at: '17:00', closes_at: '09:00' })
        .execute(),
    ).rejects.toThrow(/business_hours_intervals_check/);
  });
});
