/**
 * InboundCallHandler at the drachtio-srf / fsmrf boundary: INVITEs are parsed
 * from SIP text by drachtio's parser, media is the fsmrf twin, and call
 * records go through the real writer into a real Postgres.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedCallClock } from '../../ivr/simulated-call-clock.ts';
import { createLogger, type Logger } from '../../platform/logger.ts';
import { CallRecordRepository } from '../../sql/repositories/call-record-repository.ts';
import type { InboundRoute } from '../../sql/repositories/inbound-route-repository.ts';
import { InboundRouteRepository } from '../../sql/repositories/inbound-route-repository.ts';
import { createTestDatabase, type TestDatabase } from '../../test/test-database.ts';
import { CallRecordWriter } from '../call-record/call-record-writer.ts';
import { FreeSwitchCallSession } from '../freeswitch/free-switch-call-session.ts';
import { DialogTwin, MediaServerTwin } from '../freeswitch/media-server-twin.ts';
import type { MediaServer } from '../freeswitch/media-server.ts';
import {
  InboundCallHandler,
  type AdmissionDecision,
  type FlowRunner,
} from './inbound-call-handler.ts';
import { callerOffer, inviteTo, RecordedResponse } from './sip-request-from-text.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await database.db
    .insertInto('phone_numbers')
    .values([
      { number: '+15550002222', flow_name: 'main-menu' },
      { number: '+15550003333', flow_name: 'draft-only' },
    ])
    .execute();
  await database.db
    .insertInto('flows')
    .values([
      {
        name: 'main-menu',
        version: 1,
        definition: JSON.stringify({ id: 'main-menu' }),
        published: true,
        published_at: new Date(),
        created_by: null,
        published_by: null,
      },
      {
        name: 'draft-only',
        version: 1,
        definition: JSON.stringify({ id: 'draft' }),
        published: false,
        published_at: null,
        created_by: null,
        published_by: null,
      },
    ])
    .execute();
});
afterAll(async () => {
  await database.cleanup();
});

const pcmuOffer = callerOffer;
const g729Offer = pcmuOffer
  .replace('RTP/AVP 0 101', 'RTP/AVP 18')
  .replace('a=rtpmap:101 telephone-event/8000', 'a=rtpmap:18 G729/8000');

function invite(to: string, sdp = pcmuOffer, callId = `c-${to}-${Math.random()}`) {
  return inviteTo(to, callId, { sdp });
}

function handlerFixture(
  options: {
    flows?: FlowRunner;
    admit?: () => AdmissionDecision;
    mediaServer?: () => MediaServer | undefined;
    routes?: { find(number: string): Promise<InboundRoute> };
    beforeAnswer?: (clock: SimulatedCallClock) => Promise<void>;
    logger?: Logger;
  } = {},
) {
  const clock = new SimulatedCallClock(Date.UTC(2026, 2, 1, 9));
  const repository = new InboundRouteRepository(database.db);
  const server = new MediaServerTwin(clock);
  const writer = new CallRecordWriter({
    store: new CallRecordRepository(database.db),
    clock,
    logger: createLogger({ level: 'silent' }),
  });
  const dialogs: DialogTwin[] = [];
  let released = 0;
  const handler = new InboundCallHandler({
    // Real Postgres IO: hold the simulated clock still while it runs.
    routes: { find: (number) => clock.hold((options.routes ?? repository).find(number)) },
    sip: {
      async createUAS(_request, response, { localSdp }) {
        await options.beforeAnswer?.(clock);
        response.send(200, { body: localSdp });
        const dialog = new DialogTwin(`uas-${dialogs.length}`, localSdp);
        dialogs.push(dialog);
        return dialog;
      },
    },
    mediaServer: options.mediaServer ?? (() => server),
    admission: {
      admit: options.admit ?? (() => ({ admitted: true, release: () => (released += 1) })),
    },
    flows: options.flows ?? { run: () => Promise.resolve({}) },
    records: writer,
    sessionFor: (call) =>
      new FreeSwitchCallSession({
        ...call,
        clock,
        logger: createLogger({ level: 'silent' }),
        prompts: { promptsDir: '/prompts', voices: {} },
        recordingsDir: '/recordings',
        agentLegs: { take: () => undefined },
        dialer: { dial: () => Promise.resolve({ outcome: 'failed' }) },
      }),
    clock,
    ids: uuidIds(),
    logger: options.logger ?? createLogger({ level: 'silent' }),
  });
  return { clock, server, writer, handler, dialogs, released: () => released };
}

let ids = 0;
/** Call ids must be uuids for Postgres; a fresh one per handler call. */
function uuidIds() {
  return { next: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}` };
}

async function callRow(sipCallId: string) {
  return database.db
    .selectFrom('calls')
    .selectAll()
    .where('sip_call_id', '=', sipCallId)
    .executeTakeFirstOrThrow();
}

async function run(fixture: ReturnType<typeof handlerFixture>, request: ReturnType<typeof invite>) {
  const response = new RecordedResponse();
  await fixture.clock.run(fixture.handler.handle(request, response));
  expect(await fixture.writer.drain()).toBe(true);
  return response;
}

describe('InboundCallHandler', () => {
  it.each([
    ['an unknown number', '+15559999999', pcmuOffer, 404, 'rejected'],
    ['a number whose flow is not published', '+15550003333', pcmuOffer, 480, 'no-answer'],
    ['SDP with no codec in common', '+15550002222', g729Offer, 488, 'rejected'],
  ])('refuses %s with %i and records it', async (_label, to, sdp, status, disposition) => {
    const fixture = handlerFixture();
    const request = invite(to, sdp);
    const response = await run(fixture, request);
    expect(response.final?.status).toBe(status);
    const row = await callRow(request.get('Call-ID') ?? '');
    expect(row).toMatchObject({ sip_status: status, disposition, direction: 'inbound', did: to });
    expect(row.ended_at).not.toBeNull();
    expect(fixture.server.endpoints).toHaveLength(0);
  });

  it('answers 503 with Retry-After when FreeSWITCH is not connected', async () => {
    const fixture = handlerFixture({ mediaServer: () => undefined });
    const request = invite('+15550002222');
    const response = await run(fixture, request);
    expect(response.final).toMatchObject({ status: 503, headers: { 'Retry-After': '5' } });
    expect(await callRow(request.get('Call-ID') ?? '')).toMatchObject({
      sip_status: 503,
      disposition: 'failed',
    });
  });

  it("answers 503 with the admission decision's Retry-After when overloaded", async () => {
    const fixture = handlerFixture({
      admit: () => ({ admitted: false, retryAfterSeconds: 2, why: 'sessions at limit' }),
    });
    const response = await run(fixture, invite('+15550002222'));
    expect(response.final).toMatchObject({ status: 503, headers: { 'Retry-After': '2' } });
  });

  it('answers 503 and releases the endpoint slot when FreeSWITCH cannot create an endpoint', async () => {
    const fixture = handlerFixture();
    fixture.server.failCreate = new Error('Connection timeout');
    const response = await run(fixture, invite('+15550002222'));
    expect(response.final?.status).toBe(503);
    expect(fixture.released()).toBe(1);
  });

  it('tells admission control how each media set-up went (a 488 is not the media server failing)', async () => {
    const outcomes: string[] = [];
    const admit = (): AdmissionDecision => ({
      admitted: true,
      release: () => undefined,
      mediaSetUp: (outcome) => outcomes.push(outcome),
    });
    const fixture = handlerFixture({ admit });
    await run(fixture, invite('+15550002222'));
    fixture.server.failCreate = new Error('Connection timeout');
    await run(fixture, invite('+15550002222'));
    fixture.server.failCreate = Object.assign(new Error('Sip non-success response: 488'), {
      status: 488,
    });
    const refused = await run(fixture, invite('+15550002222'));
    expect(refused.final?.status).toBe(488);
    expect(outcomes).toEqual(['ok', 'failed', 'ok']);
  });

  it('answers, runs the published flow on a FreeSWITCH session, hangs up and records the call', async () => {
    const ran: string[] = [];
    const fixture = handlerFixture({
      flows: {
        async run(flow, session) {
          ran.push(
            `${flow.name} v${flow.version} for ${session.callerNumber} -> ${session.dialedNumber}`,
          );
          await session.play([{ kind: 'silence', durationMs: 2000 }]);
          return { enqueued: true, bridged: true };
        },
      },
    });
    const request = invite('+15550002222');
    const response = await run(fixture, request);
    expect(response.final?.status).toBe(200);
    expect(ran).toEqual(['main-menu v1 for +15550001111 -> +15550002222']);
    expect(fixture.server.endpoints[0]?.remoteSdp).toBe(pcmuOffer);
    expect(fixture.server.currentSessions).toBe(0);
    expect(fixture.dialogs[0]?.destroyed).toBe(true);
    expect(fixture.released()).toBe(1);
    const row = await callRow(request.get('Call-ID') ?? '');
    expect(row).toMatchObject({
      sip_status: 200,
      disposition: 'completed',
      hangup_cause: 'normal',
    });
    expect(row.answered_at).not.toBeNull();
    const events = await database.db
      .selectFrom('call_events')
      .select('type')
      .where('call_id', '=', row.id)
      .orderBy('occurred_at')
      .execute();
    expect(events.map((e) => e.type)).toEqual(['call.started', 'call.answered', 'call.ended']);
  });

  it('listens for in-band keys only when the caller offers no RFC 2833 telephone-events', async () => {
    const flows = { run: () => Promise.resolve({}) };
    const with2833 = handlerFixture({ flows });
    await run(with2833, invite('+15550002222'));
    expect(with2833.server.endpoints[0]?.commands).not.toContain('execute start_dtmf');
    const inband = handlerFixture({ flows });
    await run(
      inband,
      invite(
        '+15550002222',
        pcmuOffer
          .replace('RTP/AVP 0 101', 'RTP/AVP 0')
          .replace('a=rtpmap:101 telephone-event/8000\r\n', ''),
      ),
    );
    expect(inband.server.endpoints[0]?.commands).toContain('execute start_dtmf');
  });

  it('shows on the live call row when the caller is queued and when an agent answers', async () => {
    const agent = await database.db
      .insertInto('users')
      .values({ email: 'live-agent@example.com', display_name: 'Live', role: 'agent' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await database.db.insertInto('queues').values({ name: 'live-queue' }).execute();
    const seen: Record<string, unknown>[] = [];
    const fixture = handlerFixture({
      flows: {
        async run(_flow, session, progress) {
          const queued = { kind: 'queued', queueId: 'live-queue', priority: 3 } as const;
          progress?.({ ...queued, result: 'waiting' });
          seen.push({ ...(await fixture.clock.hold(liveRow())) });
          progress?.({ ...queued, result: 'answered', agentId: agent.id });
          seen.push({ ...(await fixture.clock.hold(liveRow())) });
          await session.play([{ kind: 'silence', durationMs: 100 }]);
          return { enqueued: true, bridged: true, queueId: 'live-queue', agentId: agent.id };
        },
      },
    });
    const request = invite('+15550002222');
    // Real Postgres IO: the simulated clock holds still while it runs.
    const liveRow = async () => {
      await fixture.writer.drain();
      return callRow(request.get('Call-ID') ?? '');
    };
    await run(fixture, request);
    expect(seen[0]).toMatchObject({ agent_id: null, ended_at: null });
    expect(seen[0]?.enqueued_at).not.toBeNull();
    expect(seen[0]?.queue_id).not.toBeNull();
    expect(seen[1]).toMatchObject({ agent_id: agent.id, ended_at: null });
    expect(seen[1]?.bridged_at).not.toBeNull();
  });

  it('records an abandoned call when the caller hangs up during the flow', async () => {
    const fixture = handlerFixture({
      flows: {
        async run(_flow, session) {
          await session
            .collectDigits({
              minDigits: 1,
              maxDigits: 1,
              firstDigitTimeoutMs: 60_000,
              interDigitTimeoutMs: 1000,
            })
            .catch(() => undefined);
          return { enqueued: true };
        },
      },
    });
    fixture.clock.setTimeout(() => fixture.dialogs[0]?.hangUpFromFarEnd(), 5000);
    const request = invite('+15550002222');
    await run(fixture, request);
    expect(await callRow(request.get('Call-ID') ?? '')).toMatchObject({
      disposition: 'abandoned',
      hangup_cause: 'callerHungUp',
    });
  });

  it('hangs up with flowError when the flow throws', async () => {
    const fixture = handlerFixture({ flows: { run: () => Promise.reject(new Error('boom')) } });
    const request = invite('+15550002222');
    await run(fixture, request);
    expect(await callRow(request.get('Call-ID') ?? '')).toMatchObject({
      disposition: 'failed',
      hangup_cause: 'flowError',
    });
    expect(fixture.server.currentSessions).toBe(0);
  });

  it('honours a CANCEL that arrives while the endpoint is being set up', async () => {
    const request = invite('+15550002222');
    const fixture = handlerFixture({
      beforeAnswer: () => {
        request.emit('cancel');
        return Promise.reject(Object.assign(new Error('Request Terminated'), { status: 487 }));
      },
    });
    const response = await run(fixture, request);
    expect(response.final).toBeUndefined();
    expect(await callRow(request.get('Call-ID') ?? '')).toMatchObject({
      sip_status: 487,
      disposition: 'abandoned',
    });
    expect(fixture.server.endpoints[0]?.destroyed).toBe(true);
    expect(fixture.released()).toBe(1);
  });

  it('logs a slow set-up with where its time went (route, media, answer)', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const fast = handlerFixture({ logger: createLogger({ level: 'info' }, sink) });
    await run(fast, invite('+15550002222'));
    expect(lines.filter((line) => line['msg'] === 'call set-up slow')).toEqual([]);
    // The caller's 200 OK takes 1.2 s to go out (drachtio-server busy, say).
    const slow = handlerFixture({
      logger: createLogger({ level: 'info' }, sink),
      beforeAnswer: (clock) => new Promise((resolve) => clock.setTimeout(resolve, 1200)),
    });
    await run(slow, invite('+15550002222'));
    const logged = lines.filter((line) => line['msg'] === 'call set-up slow');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ setupMs: 1200, routeMs: 0, mediaMs: 0, answerMs: 1200 });
  });
});
