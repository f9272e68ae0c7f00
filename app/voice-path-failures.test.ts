// The voice path when its servers fail it, wired as the service wires it
// (real Postgres and Redis, the drachtio-srf and FreeSWITCH twins): losing
// drachtio-server ends the calls in progress with their cause; and shutdown
// with a call whose teardown is never answered (FreeSWITCH's event socket for
// it closed, so no command on it, playback end or hang-up, is ever answered)
// still ends: the call is hung up, its record closed, and drain returns
// within its bounds instead of hanging until SIGKILL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCallClock } from '../ivr/call-clock.ts';
import { legReleaseLimitMs } from '../media/freeswitch/connected-leg.ts';
import { MediaServerTwin } from '../media/freeswitch/media-server-twin.ts';
import { RecordedResponse, sipRequestFromText } from '../media/sip/sip-request-from-text.ts';
import { systemClock } from '../platform/clock.ts';
import { uuidGenerator } from '../platform/id-generator.ts';
import { createLogger } from '../platform/logger.ts';
import { createRedisRouting, type RedisRouting } from '../routing/create-redis-routing.ts';
import { createTestDatabase, type TestDatabase } from '../test/test-database.ts';
import { createTestRedis, type TestRedis } from '../test/test-redis.ts';
import { loadConfig } from './config.ts';
import { publishFlowFile } from './flow-publisher.ts';
import { SrfTwin } from './test-srf-twin.ts';
import { startVoicePath, type VoicePath } from './voice-path.ts';

const did = '+15550002323';
const drainSeconds = 1;
let database: TestDatabase;
let testRedis: TestRedis;
let routing: RedisRouting;
let voice: VoicePath;
const srf = new SrfTwin();
const signallingLost = new Set<() => void>();
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
    SHUTDOWN_DRAIN_SECONDS: String(drainSeconds),
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
      signalling: {
        srf,
        state: () => 'connected',
        close: () => undefined,
        onLost: (listener) => {
          signallingLost.add(listener);
          return () => signallingLost.delete(listener);
        },
      },
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

/** Sends an INVITE to the main menu and resolves once the flow plays its first prompt. */
async function answeredCall(sipCallId: string): Promise<RecordedResponse> {
  const response = new RecordedResponse();
  const before = freeswitch.endpoints.length;
  srf.inviteHandler?.(
    sipRequestFromText(
      [
        `INVITE sip:${did}@switchboard.example.com SIP/2.0`,
        'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-stuck',
        'Max-Forwards: 70',
        `To: <sip:${did}@switchboard.example.com>`,
        'From: <sip:+15550001111@carrier.example.net>;tag=1',
        `Call-ID: ${sipCallId}`,
        'CSeq: 1 INVITE',
        'Content-Type: application/sdp',
        `Content-Length: ${Buffer.byteLength(offer)}`,
        '',
        offer,
      ].join('\n'),
    ),
    response,
  );
  const playing = await eventually(
    () => freeswitch.endpoints[before]?.commands.some((c) => c.startsWith('play ')) ?? false,
    (found) => found,
  );
  expect(playing, 'the flow is playing its first prompt').toBe(true);
  return response;
}

function callRow(sipCallId: string) {
  return eventually(
    () =>
      database.db
        .selectFrom('calls')
        .select(['ended_at', 'hangup_cause', 'disposition'])
        .where('sip_call_id', '=', sipCallId)
        .executeTakeFirst(),
    (found) => found?.ended_at != null,
  );
}

describe('losing drachtio-server', () => {
  it('ends the calls in progress, with their cause, and releases their FreeSWITCH sessions', async () => {
    const sipCallId = 'lost-1@192.0.2.10';
    await answeredCall(sipCallId);
    const endpoint = freeswitch.endpoints.at(-1);
    for (const listener of signallingLost) listener();
    expect(await callRow(sipCallId)).toMatchObject({
      hangup_cause: 'signallingLost',
      disposition: 'failed',
    });
    expect(endpoint?.destroyed, 'the FreeSWITCH session is released').toBe(true);
  });
});

describe('losing FreeSWITCH', () => {
  it('ends the calls in progress as mediaServerLost', async () => {
    const sipCallId = 'media-lost-1@192.0.2.10';
    await answeredCall(sipCallId);
    freeswitch.loseConnection();
    expect(await callRow(sipCallId)).toMatchObject({
      hangup_cause: 'mediaServerLost',
      disposition: 'failed',
    });
    expect(srf.dialogs.at(-1)?.destroyed, 'the caller got a BYE').toBe(true);
    // It reconnects by itself (the twin is there again at once).
    const freeswitchProbe = voice.probes.find((probe) => probe.name === 'freeswitch');
    const state = await eventually(
      () =>
        freeswitchProbe!.check().then(
          () => 'ok',
          (error: unknown) => String(error),
        ),
      (found) => found === 'ok',
    );
    expect(state).toBe('ok');
  });
});

describe('shutdown with a call whose teardown is never answered', () => {
  it('drains within its bounds, hangs the call up and closes its record', async () => {
    const sipCallId = 'stuck-1@192.0.2.10';
    const response = await answeredCall(sipCallId);
    expect(response.final?.status).toBe(200);
    // FreeSWITCH stops answering on this call's event socket, mid-prompt.
    freeswitch.endpoints.at(-1)?.closeSocket();

    const started = Date.now();
    await voice.drain();
    const tookMs = Date.now() - started;
    // The drain deadline, then at most one bounded release of the caller's leg (and margin).
    expect(tookMs).toBeLessThan(drainSeconds * 1000 + legReleaseLimitMs + 3_000);

    const row = await callRow(sipCallId);
    expect(row?.ended_at).not.toBeNull();
    expect(srf.dialogs.at(-1)?.destroyed, 'the caller got a BYE').toBe(true);
  }, 30_000);
});
