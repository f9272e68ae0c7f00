// The voice path when its servers fail it, wired as the service wires it
// (real Postgres and Redis, the drachtio-srf and FreeSWITCH twins): losing
// drachtio-server or FreeSWITCH ends the calls in progress with their cause;
// and shutdown with a call whose teardown is never answered (FreeSWITCH's
// event socket for it closed, so no command on it, playback end or hang-up,
// is ever answered) still ends: the call is hung up, its record closed, and
// drain returns within its bounds instead of hanging until SIGKILL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legReleaseLimitMs } from '../media/freeswitch/connected-leg.ts';
import { inviteTo, RecordedResponse } from '../media/sip/sip-request-from-text.ts';
import { createTestDatabase, type TestDatabase } from '../test/test-database.ts';
import { createTestRedis, type TestRedis } from '../test/test-redis.ts';
import { publishFlowFile } from './flow-publisher.ts';
import { eventually, startTwinVoicePath, type TwinVoicePath } from './test-twin-voice-path.ts';

const did = '+15550002323';
const drainSeconds = 1;
let database: TestDatabase;
let testRedis: TestRedis;
let twin: TwinVoicePath;

beforeAll(async () => {
  database = await createTestDatabase();
  testRedis = createTestRedis();
  await publishFlowFile(database.db, {
    file: 'flows/main-menu.json',
    number: did,
    now: new Date(),
  });
  twin = await startTwinVoicePath({
    db: database.db,
    databaseUrl: database.url,
    testRedis,
    drainSeconds,
    settings: { SIP_INVITES_PER_SOURCE: '10' },
  });
});

afterAll(async () => {
  await twin.close();
  await testRedis.cleanup();
  await database.cleanup();
});

/** Sends an INVITE to the main menu and resolves once the flow plays its first prompt. */
async function answeredCall(sipCallId: string): Promise<RecordedResponse> {
  const response = new RecordedResponse();
  const before = twin.freeswitch.endpoints.length;
  twin.srf.inviteHandler?.(inviteTo(did, sipCallId), response);
  const playing = await eventually(
    () => twin.freeswitch.endpoints[before]?.commands.some((c) => c.startsWith('play ')) ?? false,
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

describe('an INVITE flood from one address', () => {
  it('is refused with 503 and no call record past the rate, while another address is answered', async () => {
    const flooded = Array.from({ length: 25 }, (_, i) => {
      const response = new RecordedResponse();
      twin.srf.inviteHandler?.(
        inviteTo(did, `flood-${i}@192.0.2.66`, { source: '192.0.2.66' }),
        response,
      );
      return response;
    });
    const refused = await eventually(
      () => flooded.filter((response) => response.final?.status === 503),
      (found) => found.length >= 15,
    );
    expect(refused).toHaveLength(15);
    expect(refused[0]?.final?.headers['Retry-After']).toBe('60');
    // Others' calls still go through.
    const other = new RecordedResponse();
    twin.srf.inviteHandler?.(inviteTo(did, 'not-flood-1@192.0.2.10'), other);
    const answered = await eventually(
      () => other.final?.status,
      (status) => status !== undefined,
    );
    expect(answered).toBe(200);
    // The admitted ten have records; the refused fifteen none.
    const rows = await eventually(
      () =>
        database.db
          .selectFrom('calls')
          .select('sip_call_id')
          .where('sip_call_id', 'like', 'flood-%')
          .execute(),
      (found) => found.length >= 10,
    );
    expect(rows).toHaveLength(10);
    twin.loseSignalling(); // ends the calls in progress, for the next tests
    await callRow('not-flood-1@192.0.2.10');
  });
});

describe('losing drachtio-server', () => {
  it('ends the calls in progress, with their cause, and releases their FreeSWITCH sessions', async () => {
    const sipCallId = 'lost-1@192.0.2.10';
    await answeredCall(sipCallId);
    const endpoint = twin.freeswitch.endpoints.at(-1);
    twin.loseSignalling();
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
    twin.freeswitch.loseConnection();
    expect(await callRow(sipCallId)).toMatchObject({
      hangup_cause: 'mediaServerLost',
      disposition: 'failed',
    });
    expect(twin.srf.dialogs.at(-1)?.destroyed, 'the caller got a BYE').toBe(true);
    // It reconnects by itself (the twin is there again at once).
    const freeswitchProbe = twin.voice.probes.find((probe) => probe.name === 'freeswitch');
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
    twin.freeswitch.endpoints.at(-1)?.closeSocket();

    const started = Date.now();
    await twin.voice.drain();
    const tookMs = Date.now() - started;
    // The drain deadline, then at most one bounded release of the caller's leg (and margin).
    expect(tookMs).toBeLessThan(drainSeconds * 1000 + legReleaseLimitMs + 3_000);

    const row = await callRow(sipCallId);
    expect(row?.ended_at).not.toBeNull();
    expect(twin.srf.dialogs.at(-1)?.destroyed, 'the caller got a BYE').toBe(true);
  }, 30_000);
});
