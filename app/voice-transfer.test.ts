// Transfer of a connected call to a queue through the live-call control the
// API's POST /calls/:callId/transfer calls (`voice.liveCalls`), with the
// voice path wired as the service wires it: real Postgres (queues named by
// row id, as the API names them), real Redis (routing, registrations), the
// in-process twins of drachtio-srf and FreeSWITCH.
import { mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistrationStore } from '../media/registrar/registration-store.ts';
import {
  callerOffer as offer,
  inviteTo,
  RecordedResponse,
} from '../media/sip/sip-request-from-text.ts';
import { systemClock } from '../platform/clock.ts';
import type { SwitchboardError } from '../platform/switchboard-error.ts';
import type { RedisRouting } from '../routing/create-redis-routing.ts';
import { createTestDatabase, type TestDatabase } from '../test/test-database.ts';
import { createTestRedis, type TestRedis } from '../test/test-redis.ts';
import { queueingFlow } from '../test/test-flows.ts';
import { publishFlowFile } from './flow-publisher.ts';
import {
  eventually as eventuallyWithin,
  startTwinVoicePath,
  type TwinVoicePath,
} from './test-twin-voice-path.ts';
import type { VoicePath } from './voice-path.ts';

const did = '+15550003333';
let database: TestDatabase;
let testRedis: TestRedis;
let routing: RedisRouting;
let voice: VoicePath;
let twin: TwinVoicePath;
let srf: TwinVoicePath['srf'];
let freeswitch: TwinVoicePath['freeswitch'];
const ids: Record<string, string> = {};

beforeAll(async () => {
  database = await createTestDatabase();
  testRedis = createTestRedis();
  const flowsDir = await mkdtemp(path.join(tmpdir(), 'transfer-flows-'));
  await symlink(path.resolve('flows/prompts'), path.join(flowsDir, 'prompts'));
  await writeFile(
    path.join(flowsDir, 'queue.json'),
    JSON.stringify(queueingFlow('transfer-test', 'first-line')),
  );
  await publishFlowFile(database.db, {
    file: path.join(flowsDir, 'queue.json'),
    number: did,
    now: new Date(),
  });
  const queues = await database.db
    .insertInto('queues')
    .values([
      { name: 'first-line', wrap_up_seconds: 30 },
      { name: 'second-line', wrap_up_seconds: 0 },
    ])
    .returning(['id', 'name'])
    .execute();
  for (const queue of queues) ids[queue.name] = queue.id;
  for (const [name, queue] of [
    ['alice', 'first-line'],
    ['bob', 'second-line'],
  ] as const) {
    const user = await database.db
      .insertInto('users')
      .values({ email: `${name}@example.com`, display_name: name, role: 'agent' })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids[name] = user.id;
    await database.db
      .insertInto('queue_members')
      .values({ queue_id: ids[queue] ?? '', user_id: user.id })
      .execute();
  }
  twin = await startTwinVoicePath({
    db: database.db,
    databaseUrl: database.url,
    testRedis,
    speechMs: 50,
  });
  ({ routing, voice, srf, freeswitch } = twin);
  const registrations = new RegistrationStore(twin.redis, systemClock, testRedis.keyPrefix);
  for (const name of ['alice', 'bob']) {
    await registrations.save(ids[name] ?? '', [
      {
        contact: `sip:${name}@198.51.100.7:5062`,
        expiresAt: Date.now() + 3_600_000,
        callId: `reg-${name}`,
        cseq: 1,
        sourceAddress: '198.51.100.7',
      },
    ]);
  }
  await routing.desk.logIn(ids.alice ?? '');
});

afterAll(async () => {
  await twin.close();
  await testRedis.cleanup();
  await database.cleanup();
});

/** Transfers take a while on the twins' clock: up to 30 s. */
const eventually = <T>(probe: () => Promise<T> | T, accept: (value: T) => boolean) =>
  eventuallyWithin(probe, accept, 1200);
const invite = (callId: string) => inviteTo(did, callId);

describe('transfer of a connected call to a queue (the API route’s control)', () => {
  it('releases the agent into wrap-up and connects the caller to an agent of the target queue', async () => {
    srf.inviteHandler?.(invite('transfer-1@192.0.2.10'), new RecordedResponse());
    const alicePhone = await eventually(
      () => srf.uac.ringing('sip:alice@198.51.100.7:5062')[0],
      (found) => found !== undefined,
    );
    alicePhone?.answer();
    const call = await eventually(
      () =>
        database.db
          .selectFrom('calls')
          .selectAll()
          .where('sip_call_id', '=', 'transfer-1@192.0.2.10')
          .executeTakeFirst(),
      (row) => row?.bridged_at != null, // after the whisper (queue, caller's number: ~12 s here)
    );
    expect((await routing.desk.status(ids.alice ?? '')).state).toBe('busy');
    const callId = call?.id ?? '';

    // An unknown queue id is refused and changes nothing.
    const unknown = await voice.liveCalls
      .transfer({
        callId,
        requestedBy: ids.alice ?? '',
        target: { kind: 'queue', queueId: '00000000-0000-4000-8000-000000000000' },
      })
      .catch((error: unknown) => error);
    expect((unknown as SwitchboardError).code).toBe('not_found');
    expect(alicePhone?.dialog?.destroyed).toBe(false);

    await routing.desk.logIn(ids.bob ?? '');
    await voice.liveCalls.transfer({
      callId,
      requestedBy: ids.alice ?? '',
      target: { kind: 'queue', queueId: ids['second-line'] ?? '' },
    });
    expect(alicePhone?.dialog?.destroyed).toBe(true);
    expect((await routing.desk.status(ids.alice ?? '')).state).toBe('wrap-up');

    const bobPhone = await eventually(
      () => srf.uac.ringing('sip:bob@198.51.100.7:5062')[0],
      (found) => found !== undefined,
    );
    expect(bobPhone?.headers['X-Switchboard-Queue']).toBe('second-line');
    const bobDialog = bobPhone?.answer();
    const bobState = await eventually(
      () => routing.desk.status(ids.bob ?? ''),
      (status) => status.state === 'busy',
    );
    expect(bobState.state).toBe('busy');
    const callerEndpoint = freeswitch.endpoints.find(
      (endpoint) => endpoint.remoteSdp === offer && !endpoint.destroyed,
    );
    const bobEndpoint = await eventually(
      () => freeswitch.endpoints.find((endpoint) => endpoint.uuid === callerEndpoint?.bridgedWith),
      (found) => found !== undefined && found.commands.includes('modify'),
    );
    expect(bobEndpoint).toBeDefined();
    expect(callerEndpoint?.commands).toContain('play local_stream://default');
    // While Bob talks, the live row names him and the queue he took it from.
    const live = await eventually(
      () => database.db.selectFrom('calls').selectAll().where('id', '=', callId).executeTakeFirst(),
      (row) => row?.agent_id === ids.bob,
    );
    expect(live?.queue_id).toBe(ids['second-line']);

    bobDialog?.hangUpFromFarEnd();
    const ended = await eventually(
      () => database.db.selectFrom('calls').selectAll().where('id', '=', callId).executeTakeFirst(),
      (row) => row?.ended_at != null,
    );
    expect(ended?.ended_at).not.toBeNull();
    expect(ended?.agent_id).toBe(ids.bob);
    expect(ended?.queue_id).toBe(ids['second-line']);
    expect(freeswitch.currentSessions).toBe(0);
  }, 90_000);
});
