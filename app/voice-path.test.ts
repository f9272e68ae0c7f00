// The voice path wired as the service wires it, against real Postgres (a
// cloned test database, flows/main-menu.json published on a number), real
// Redis (routing, registrations) and the in-process twins of drachtio-srf and
// FreeSWITCH (media/freeswitch/media-server-twin.ts, media/sip/sip-uac-twin.ts).
// INVITEs and REGISTERs are parsed from SIP text by drachtio's own parser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callerOffer as offer,
  inviteTo,
  RecordedResponse,
  sipRequestFromText,
} from '../media/sip/sip-request-from-text.ts';
import { createTestDatabase, type TestDatabase } from '../test/test-database.ts';
import { createTestRedis, type TestRedis } from '../test/test-redis.ts';
import { publishFlowFile } from './flow-publisher.ts';
import { eventually, startTwinVoicePath, type TwinVoicePath } from './test-twin-voice-path.ts';

const did = '+15550002222';
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
  twin = await startTwinVoicePath({ db: database.db, databaseUrl: database.url, testRedis });
});

afterAll(async () => {
  await twin.close();
  await testRedis.cleanup();
  await database.cleanup();
});

const invite = (callId: string) => inviteTo(did, callId);

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
      () => Promise.allSettled(twin.voice.probes.map((probe) => probe.check())),
      (results) => results.every((result) => result.status === 'fulfilled'),
    );
    expect(twin.voice.probes.map((probe) => [probe.name, probe.required])).toEqual([
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
    twin.srf.inviteHandler?.(request, response);
    // The flow has started speaking to the caller: a prompt is playing.
    const endpoint = await eventually(
      () => twin.freeswitch.endpoints[0],
      (found) => found?.commands.some((command) => command.startsWith('play ')) === true,
    );
    expect(response.final?.status).toBe(200);
    expect(endpoint?.remoteSdp).toBe(offer);
    twin.srf.dialogs[0]?.hangUpFromFarEnd();

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
    expect(twin.freeswitch.currentSessions).toBe(0);
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
    twin.srf.registerHandler?.(request, response);
    const final = await eventually(
      () => response.sent.find((sent) => sent.status >= 200),
      (found) => found !== undefined,
    );
    expect(final?.status).toBe(401);
    expect(final?.headers['WWW-Authenticate']).toContain('realm="switchboard"');
  });

  it('refuses new calls with 503 and Retry-After once draining', async () => {
    await twin.voice.drain();
    const request = invite('wiring-2@192.0.2.10');
    const response = new RecordedResponse();
    twin.srf.inviteHandler?.(request, response);
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
