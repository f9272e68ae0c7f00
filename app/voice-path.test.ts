// The voice path wired as the service wires it, against real Postgres (a
// cloned test database, flows/main-menu.json published on a number), real
// Redis (routing, registrations) and the in-process twins of drachtio-srf and
// FreeSWITCH (media/freeswitch/media-server-twin.ts, media/sip/sip-uac-twin.ts).
// INVITEs and REGISTERs are parsed from SIP text by drachtio's own parser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCallClock } from '../ivr/call-clock.ts';
import { MediaServerTwin } from '../media/freeswitch/media-server-twin.ts';
import { RecordedResponse, sipRequestFromText } from '../media/sip/sip-request-from-text.ts';
import { uuidGenerator } from '../platform/id-generator.ts';
import { createLogger } from '../platform/logger.ts';
import { systemClock } from '../platform/clock.ts';
import { createRedisRouting, type RedisRouting } from '../routing/create-redis-routing.ts';
import { createTestDatabase, type TestDatabase } from '../test/test-database.ts';
import { createTestRedis, type TestRedis } from '../test/test-redis.ts';
import { loadConfig } from './config.ts';
import { publishFlowFile } from './flow-publisher.ts';
import { SrfTwin } from './test-srf-twin.ts';
import { startVoicePath, type VoicePath } from './voice-path.ts';

const did = '+15550002222';
let database: TestDatabase;
let testRedis: TestRedis;
let routing: RedisRouting;
let voice: VoicePath;
const srf = new SrfTwin();
const freeswitch = new MediaServerTwin(systemCallClock);

beforeAll(async () => {
  database = await createTestDatabase();
  testRedis = createTestRedis();
  await publishFlowFile(database.db, {
    file: 'flows/main-menu.json',
    number: did,
    now: new Date(),
  });
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: testRedis.url,
    REDIS_KEY_PREFIX: testRedis.keyPrefix,
    VOICE_ENABLED: 'true',
    SHUTDOWN_DRAIN_SECONDS: '1',
    LOG_LEVEL: 'silent',
  });
  const logger = createLogger({ level: 'silent' });
  const redis = testRedis.connect();
  routing = createRedisRouting({
    redis,
    blockingRedis: testRedis.connect(),
    keyPrefix: testRedis.keyPrefix,
    clock: systemClock,
    ids: uuidGenerator,
    logger,
  });
  await routing.start();
  voice = startVoicePath({
    config,
    logger,
    clock: systemCallClock,
    ids: uuidGenerator,
    db: database.db,
    redis,
    routing,
    connect: () => ({
      signalling: { srf, state: () => 'connected', close: () => undefined },
      connectMediaServer: () => Promise.resolve(freeswitch),
    }),
  });
});

afterAll(async () => {
  await voice.close();
  await routing.close();
  await testRedis.cleanup();
  await database.cleanup();
});

async function eventually<T>(probe: () => Promise<T> | T, accept: (value: T) => boolean) {
  let last = await probe();
  for (let attempt = 0; attempt < 200 && !accept(last); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    last = await probe();
  }
  return last;
}

const offer = [
  'v=0',
  'o=- 1 1 IN IP4 192.0.2.10',
  's=-',
  'c=IN IP4 192.0.2.10',
  't=0 0',
  'm=audio 4000 RTP/AVP 0 101',
  'a=rtpmap:101 telephone-event/8000',
  '',
].join('\r\n');

function invite(callId: string) {
  return sipRequestFromText(
    [
      `INVITE sip:${did}@switchboard.example.com SIP/2.0`,
      'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK74bf9',
      'Max-Forwards: 70',
      `To: <sip:${did}@switchboard.example.com>`,
      'From: "Caller" <sip:+15550001111@carrier.example.net>;tag=9fxced76sl',
      `Call-ID: ${callId}`,
      'CSeq: 1 INVITE',
      'Contact: <sip:+15550001111@192.0.2.10:5060>',
      'Content-Type: application/sdp',
      `Content-Length: ${Buffer.byteLength(offer)}`,
      '',
      offer,
    ].join('\n'),
  );
}

function callRow(sipCallId: string) {
  return database.db
    .selectFrom('calls')
    .selectAll()
    .where('sip_call_id', '=', sipCallId)
    .executeTakeFirst();
}

describe('startVoicePath', () => {
  it('reports both servers connected once they are', async () => {
    const states = await eventually(
      () => Promise.allSettled(voice.probes.map((probe) => probe.check())),
      (results) => results.every((result) => result.status === 'fulfilled'),
    );
    expect(voice.probes.map((probe) => [probe.name, probe.required])).toEqual([
      ['drachtio', false],
      ['freeswitch', false],
    ]);
    expect(states.map((result) => result.status === 'fulfilled' && result.value)).toEqual([
      'connected to 127.0.0.1:9022',
      'connected to 127.0.0.1:8021',
    ]);
  });

  it('answers an INVITE to a published number, runs its flow, and records the call', async () => {
    const request = invite('wiring-1@192.0.2.10');
    const response = new RecordedResponse();
    srf.inviteHandler?.(request, response);
    // The flow has started speaking to the caller: a prompt is playing.
    const endpoint = await eventually(
      () => freeswitch.endpoints[0],
      (found) => found?.commands.some((command) => command.startsWith('play ')) === true,
    );
    expect(response.final?.status).toBe(200);
    expect(endpoint?.remoteSdp).toBe(offer);
    srf.dialogs[0]?.hangUpFromFarEnd();

    const row = await eventually(
      () => callRow('wiring-1@192.0.2.10'),
      (found) => found?.ended_at != null,
    );
    expect(row).toMatchObject({
      direction: 'inbound',
      did,
      sip_status: 200,
      hangup_cause: 'callerHungUp',
    });
    expect(row?.flow_id).not.toBeNull();
    const events = await eventually(
      () =>
        database.db
          .selectFrom('call_events')
          .select('type')
          .where('call_id', '=', row?.id ?? '')
          .execute(),
      (found) => found.some((event) => event.type === 'flow.flowEnded'),
    );
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['call.answered', 'flow.flowStarted', 'flow.flowEnded', 'call.ended']),
    );
    expect(freeswitch.currentSessions).toBe(0);
  });

  it('challenges a REGISTER without credentials', async () => {
    const request = sipRequestFromText(
      [
        'REGISTER sip:switchboard.example.com SIP/2.0',
        'Via: SIP/2.0/UDP 198.51.100.7:5062;branch=z9hG4bKreg1',
        'Max-Forwards: 70',
        'To: <sip:alice@switchboard.example.com>',
        'From: <sip:alice@switchboard.example.com>;tag=reg1',
        'Call-ID: reg-1@198.51.100.7',
        'CSeq: 1 REGISTER',
        'Contact: <sip:alice@198.51.100.7:5062>',
        'Expires: 3600',
        'Content-Length: 0',
        '',
        '',
      ].join('\n'),
      { address: '198.51.100.7' },
    );
    const response = new RecordedResponse();
    srf.registerHandler?.(request, response);
    const final = await eventually(
      () => response.sent.find((sent) => sent.status >= 200),
      (found) => found !== undefined,
    );
    expect(final?.status).toBe(401);
    expect(final?.headers['WWW-Authenticate']).toContain('realm="switchboard"');
  });

  it('refuses new calls with 503 and Retry-After once draining', async () => {
    await voice.drain();
    const request = invite('wiring-2@192.0.2.10');
    const response = new RecordedResponse();
    srf.inviteHandler?.(request, response);
    const final = await eventually(
      () => response.final,
      (found) => found !== undefined,
    );
    expect(final).toMatchObject({ status: 503, headers: { 'Retry-After': '5' } });
    // The row is written when the call starts and again when it is refused: wait for the latter.
    const row = await eventually(
      () => callRow('wiring-2@192.0.2.10'),
      (found) => found?.sip_status != null,
    );
    expect(row).toMatchObject({ sip_status: 503, hangup_cause: 'shutting down' });
  });
});
