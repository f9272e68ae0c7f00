// What a queued call leaves in Postgres: `calls.offered_at` and a `call_legs`
// row for the caller and for every agent offered, as GET /calls/{id} shows
// them. The voice path is wired as the service wires it: real Postgres (the
// API test server's database, its API on a real port), real Redis (routing,
// registrations), the in-process twins of drachtio-srf and FreeSWITCH.
import { mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistrationStore } from '../media/registrar/registration-store.ts';
import { inviteTo, RecordedResponse } from '../media/sip/sip-request-from-text.ts';
import { systemClock } from '../platform/clock.ts';
import { createLogger } from '../platform/logger.ts';
import type { RedisRouting } from '../routing/create-redis-routing.ts';
import { startApiTestServer, type ApiTestServer } from '../test/api-test-server.ts';
import { createTestRedis, type TestRedis } from '../test/test-redis.ts';
import { queueingFlow } from '../test/test-flows.ts';
import { publishFlowFile } from './flow-publisher.ts';
import { RoutingDirectorySync } from './routing-directory-sync.ts';
import { eventually, startTwinVoicePath, type TwinVoicePath } from './test-twin-voice-path.ts';

const did = '+15550004444';
const queue = 'legs-line';
let api: ApiTestServer;
let testRedis: TestRedis;
let routing: RedisRouting;
let admin: string;
let twin: TwinVoicePath;
let srf: TwinVoicePath['srf'];
const ids: Record<string, string> = {};
const phoneOf = (name: string) => `sip:${name}@198.51.100.7:5062`;

beforeAll(async () => {
  api = await startApiTestServer();
  const { db } = api.db;
  testRedis = createTestRedis();
  const flowsDir = await mkdtemp(path.join(tmpdir(), 'legs-flows-'));
  await symlink(path.resolve('flows/prompts'), path.join(flowsDir, 'prompts'));
  await writeFile(
    path.join(flowsDir, 'queue.json'),
    JSON.stringify(queueingFlow('legs-test', queue)),
  );
  await publishFlowFile(db, {
    file: path.join(flowsDir, 'queue.json'),
    number: did,
    now: new Date(),
  });
  const { id: queueId } = await db
    .insertInto('queues')
    .values({ name: queue, wrap_up_seconds: 0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  twin = await startTwinVoicePath({ db, databaseUrl: api.db.url, testRedis, speechMs: 50 });
  ({ routing, srf } = twin);
  const registrations = new RegistrationStore(twin.redis, systemClock, testRedis.keyPrefix);
  for (const name of ['alice', 'bob']) {
    const user = await db
      .insertInto('users')
      .values({ email: `${name}@legs.example`, display_name: name, role: 'agent' })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids[name] = user.id;
    await db.insertInto('queue_members').values({ queue_id: queueId, user_id: user.id }).execute();
    await registrations.save(user.id, [
      {
        contact: phoneOf(name),
        expiresAt: Date.now() + 3_600_000,
        callId: `reg-${name}`,
        cseq: 1,
        sourceAddress: '198.51.100.7',
      },
    ]);
  }
  // Routing learns the members added since it started.
  await new RoutingDirectorySync(db, routing.admin, createLogger({ level: 'silent' })).syncNow();
  // Below what Postgres allows (5 s), so an offer rings out quickly here.
  await routing.admin.configureQueue({ queueId: queue, ringTimeoutSeconds: 1 });
  await routing.desk.logIn(ids.alice ?? '');
  admin = await api.login(api.emails.admin ?? '');
});

afterAll(async () => {
  await twin.close();
  await testRedis.cleanup();
  await api.close();
});

/** A caller dials the queue's number; returns the caller's dialog once answered. */
async function call(sipCallId: string) {
  const invite = inviteTo(did, sipCallId);
  const answered = srf.dialogs.length;
  srf.inviteHandler?.(invite, new RecordedResponse());
  const dialog = await eventually(
    () => srf.dialogs[answered],
    (found) => found !== undefined,
  );
  if (dialog === undefined) throw new Error(`${sipCallId} was not answered`);
  return dialog;
}

async function ringing(name: string) {
  const invite = await eventually(
    () => srf.uac.ringing(phoneOf(name))[0],
    (found) => found !== undefined,
  );
  if (invite === undefined) throw new Error(`${name}'s phone never rang`);
  return invite;
}

/** The call's row once it has ended, and its legs in the order they started. */
async function endedCall(sipCallId: string) {
  const { db } = api.db;
  const row = await eventually(
    () =>
      db.selectFrom('calls').selectAll().where('sip_call_id', '=', sipCallId).executeTakeFirst(),
    (found) => found?.ended_at != null,
  );
  if (row?.ended_at == null) throw new Error(`${sipCallId} did not end`);
  // Legs end around the call's end; wait until every one has.
  const legs = await eventually(
    () =>
      db
        .selectFrom('call_legs')
        .selectAll()
        .where('call_id', '=', row.id)
        .orderBy('started_at')
        .execute(),
    (found) => found.length > 0 && found.every((leg) => leg.ended_at !== null),
  );
  return { row, legs };
}

describe('call records of queued calls', () => {
  it('answered by an agent: offered_at, the caller leg and the agent leg, shown by GET /calls/{id}', async () => {
    const caller = await call('legs-1@192.0.2.10');
    const phone = await ringing('alice');
    phone.answer();
    await eventually(
      () => routing.desk.status(ids.alice ?? ''),
      (status) => status.state === 'busy',
    );
    caller.hangUpFromFarEnd();

    const { row, legs } = await endedCall('legs-1@192.0.2.10');
    expect(row.offered_at).not.toBeNull();
    expect(row.offered_at!.getTime()).toBeLessThanOrEqual(row.bridged_at!.getTime());
    expect(legs.map((leg) => [leg.role, leg.user_id, leg.hangup_cause, leg.sip_status])).toEqual([
      ['caller', null, 'callerHungUp', 200],
      ['agent', ids.alice, 'normal', 200],
    ]);
    const [callerLeg, agentLeg] = legs;
    expect(callerLeg?.sip_uri).toBe('sip:+15550001111@carrier.example.net');
    expect(callerLeg?.answered_at).toEqual(row.answered_at);
    expect(agentLeg?.sip_uri).toBe(phoneOf('alice'));
    expect(agentLeg?.answered_at).not.toBeNull();

    const shown = await api.request('get', `/calls/${row.id}`, { cookie: admin });
    expect(shown.status).toBe(200);
    const body = shown.body as { legs: { role: string; userId: string | null }[] };
    expect(body.legs.map((leg) => [leg.role, leg.userId])).toEqual([
      ['caller', null],
      ['agent', ids.alice],
    ]);
  }, 30_000);

  it('rung out at one agent, then answered by the next: a leg for each, offered_at the first offer', async () => {
    await routing.desk.logIn(ids.bob ?? ''); // Alice has been idle longer: she is offered first.
    const caller = await call('legs-2@192.0.2.10');
    await ringing('alice'); // and not answered: the offer rings out after 1 s
    const bobPhone = await ringing('bob');
    bobPhone.answer();
    await eventually(
      () => routing.desk.status(ids.bob ?? ''),
      (status) => status.state === 'busy',
    );
    caller.hangUpFromFarEnd();

    const { row, legs } = await endedCall('legs-2@192.0.2.10');
    expect(legs.map((leg) => [leg.role, leg.user_id, leg.hangup_cause, leg.sip_status])).toEqual([
      ['caller', null, 'callerHungUp', 200],
      ['agent', ids.alice, 'noAnswer', 487],
      ['agent', ids.bob, 'normal', 200],
    ]);
    const [, alice, bob] = legs;
    expect(alice?.answered_at).toBeNull();
    // Routing offered Alice first, and then her phone rang.
    expect(row.offered_at!.getTime()).toBeLessThanOrEqual(alice!.started_at.getTime());
    expect(alice!.started_at.getTime()).toBeLessThan(bob!.started_at.getTime());
    expect(row.agent_id).toBe(ids.bob);
  }, 30_000);

  it('abandoned while an agent rang: the caller leg ends, the agent leg is cancelled', async () => {
    const caller = await call('legs-3@192.0.2.10');
    await eventually(
      () => srf.uac.ringing()[0],
      (found) => found !== undefined,
    );
    caller.hangUpFromFarEnd();

    const { row, legs } = await endedCall('legs-3@192.0.2.10');
    expect([row.disposition, row.offered_at === null]).toEqual(['abandoned', false]);
    expect(legs.map((leg) => [leg.role, leg.hangup_cause, leg.sip_status])).toEqual([
      ['caller', 'callerHungUp', 200],
      ['agent', 'cancelled', 487],
    ]);
    expect(legs[1]?.answered_at).toBeNull();
  }, 30_000);
});
