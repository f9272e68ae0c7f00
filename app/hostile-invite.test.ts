/**
 * Hostile INVITEs at the drachtio-srf boundary: each request is parsed from
 * SIP text by drachtio's own parser and handed to the inbound handler
 * through the same guard `switchboard start` wires (guardedSipHandler), with
 * the real flow runtime, the fsmrf twin and call records in a real Postgres.
 * The From, To, Contact, P-Asserted-Identity and Request-URI users carry
 * what an attacker controls: bad percent escapes, NUL, FreeSWITCH
 * expansions, very long values. The process must survive every one, each
 * INVITE must get a final response and a call record, and nothing that
 * reaches FreeSWITCH may carry an expansion. A handler failure would be
 * answered 500 by the guard and counted as a fault, which fails the test
 * (test/fault-guard.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { voiceFlowRunner } from './voice-flows.ts';
import { InMemoryAcd } from '../ivr/in-memory-acd.ts';
import { InMemoryVoicemailBox } from '../ivr/in-memory-voicemail-box.ts';
import { SimulatedCallClock } from '../ivr/simulated-call-clock.ts';
import { SequentialIdGenerator } from '../platform/id-generator.ts';
import { createLogger } from '../platform/logger.ts';
import { CallRecordRepository } from '../sql/repositories/call-record-repository.ts';
import { InboundRouteRepository } from '../sql/repositories/inbound-route-repository.ts';
import { speakingFlow } from '../test/test-flows.ts';
import { createTestDatabase, type TestDatabase } from '../test/test-database.ts';
import { CallRecordWriter } from '../media/call-record/call-record-writer.ts';
import { FreeSwitchCallSession } from '../media/freeswitch/free-switch-call-session.ts';
import { DialogTwin, MediaServerTwin } from '../media/freeswitch/media-server-twin.ts';
import { guardedSipHandler } from '../media/sip/guarded-sip-handler.ts';
import { ackLimitMs, InboundCallHandler } from '../media/sip/inbound-call-handler.ts';
import { maxUriUserLength } from '../media/sip/sip-message.ts';
import { RecordedResponse, sipRequestFromText } from '../media/sip/sip-request-from-text.ts';

const greetingNumber = '+15550004444';
const crmNumber = '+15550005555';
/** What the CRM answers: the attack, carried into `vars.name` by httpLookup. */
const crmName = '${system(touch pwned)} $${esl_password}';

let database: TestDatabase;
let crm: Server;

/** Speaks the caller's own numbers back: the prompts the README documents. */
const greeting = speakingFlow(
  'greeting',
  'Hello {{call.callerNumber}}, you called {{call.dialedNumber}}',
);

const crmFlow = (crmUrl: string) =>
  speakingFlow('crm-greeting', 'Hello {{vars.name}}', {
    lookupUrl: `${crmUrl}/accounts?phone={{call.callerNumber}}`,
  });

beforeAll(async () => {
  crm = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ name: crmName }));
  });
  await new Promise<void>((resolve) => crm.listen(0, '127.0.0.1', resolve));
  const crmUrl = `http://127.0.0.1:${(crm.address() as AddressInfo).port}`;
  database = await createTestDatabase();
  await database.db
    .insertInto('phone_numbers')
    .values([
      { number: greetingNumber, flow_name: 'greeting' },
      { number: crmNumber, flow_name: 'crm-greeting' },
    ])
    .execute();
  const published = { published: true, published_at: new Date(), created_by: null };
  await database.db
    .insertInto('flows')
    .values(
      [
        { name: 'greeting', version: 1, definition: JSON.stringify(greeting), ...published },
        {
          name: 'crm-greeting',
          version: 1,
          definition: JSON.stringify(crmFlow(crmUrl)),
          ...published,
        },
      ].map((row) => ({ ...row, published_by: null })),
    )
    .execute();
});

afterAll(async () => {
  await database.cleanup();
  await new Promise((resolve) => crm.close(resolve));
});

const long = '9'.repeat(5000);
/** The user parts an attacker sends, as they appear (escaped) in the URI. */
const hostileUsers = [
  'caller%C3%28',
  '%FF%FE%00',
  '%',
  '%zz',
  'a%00b',
  '%24%7Bsystem(touch%20pwned)%7D',
  '${system(touch%20pwned)}',
  '$${esl_password}',
  '%24%24%7Besl_password%7D',
  '\\${system(id)}',
  'x|y|z',
  long,
  `%24%7B${'%7B'.repeat(500)}`,
];

type Field = 'From' | 'To' | 'Contact' | 'P-Asserted-Identity' | 'Request-URI';
const fields: readonly Field[] = ['From', 'To', 'Contact', 'P-Asserted-Identity', 'Request-URI'];

let sequence = 0;
function hostileInvite(field: Field, user: string, did = greetingNumber) {
  const callId = `hostile-${++sequence}@attacker.example`;
  const uri = (who: string) => `sip:${who}@attacker.example`;
  const sdp = [
    'v=0',
    'o=- 1 1 IN IP4 192.0.2.66',
    's=-',
    'c=IN IP4 192.0.2.66',
    't=0 0',
    'm=audio 4000 RTP/AVP 0 101',
    'a=rtpmap:101 telephone-event/8000',
    '',
  ].join('\r\n');
  const request = sipRequestFromText(
    [
      `INVITE ${field === 'Request-URI' ? uri(user) : `sip:${did}@switchboard.example`} SIP/2.0`,
      'Via: SIP/2.0/UDP 192.0.2.66:5060;branch=z9hG4bK-hostile',
      'Max-Forwards: 70',
      `To: <${field === 'To' ? uri(user) : `sip:${did}@switchboard.example`}>`,
      `From: "Mallory" <${field === 'From' ? uri(user) : uri('+15550006666')}>;tag=1`,
      `Contact: <${field === 'Contact' ? uri(user) : uri('+15550006666')}>`,
      ...(field === 'P-Asserted-Identity' ? [`P-Asserted-Identity: <${uri(user)}>`] : []),
      `Call-ID: ${callId}`,
      'CSeq: 1 INVITE',
      'Content-Type: application/sdp',
      `Content-Length: ${Buffer.byteLength(sdp)}`,
      '',
      sdp,
    ].join('\n'),
  );
  return { request, callId };
}

function fixture(options: { readonly withholdAck?: boolean } = {}) {
  const clock = new SimulatedCallClock(Date.UTC(2026, 2, 1, 9));
  const server = new MediaServerTwin(clock);
  const logger = createLogger({ level: 'silent' });
  const writer = new CallRecordWriter({
    store: new CallRecordRepository(database.db),
    clock,
    logger,
  });
  const routes = new InboundRouteRepository(database.db);
  const dialogs: DialogTwin[] = [];
  const ids = { next: () => crypto.randomUUID() };
  const handler = new InboundCallHandler({
    // Real Postgres IO: hold the simulated clock still while it runs.
    routes: { find: (number) => clock.hold(routes.find(number)) },
    sip: {
      createUAS(_request, response, { localSdp }) {
        response.send(200, { body: localSdp });
        const dialog = new DialogTwin(`uas-${++sequence}`, localSdp);
        if (options.withholdAck === true) dialog.withholdAck();
        dialogs.push(dialog);
        return Promise.resolve(dialog);
      },
    },
    mediaServer: () => server,
    admission: { admit: () => ({ admitted: true, release: () => undefined }) },
    flows: voiceFlowRunner({
      services: {
        acd: new InMemoryAcd({ clock }),
        voicemail: new InMemoryVoicemailBox(new SequentialIdGenerator()),
        clock,
        logger,
        // The CRM's answer is real IO: hold the simulated clock still for it.
        external: (work) => clock.hold(work),
      },
      records: writer,
      ids,
    }),
    records: writer,
    sessionFor: (call) =>
      new FreeSwitchCallSession({
        ...call,
        clock,
        logger,
        prompts: { promptsDir: '/prompts', voices: { en: { engine: 'flite', voice: 'kal' } } },
        recordingsDir: '/recordings',
        agentLegs: { take: () => undefined },
        dialer: { dial: () => Promise.resolve({ outcome: 'failed' }) },
      }),
    clock,
    ids,
    logger,
  });
  const handle = guardedSipHandler((req, res) => handler.handle(req, res), { logger });
  return { clock, server, writer, handle, dialogs };
}

/** Everything the twin FreeSWITCH was asked to do, across every endpoint. */
function commandsSent(server: MediaServerTwin): string[] {
  return server.endpoints.flatMap((endpoint) => endpoint.commands);
}

async function callRow(sipCallId: string) {
  return database.db
    .selectFrom('calls')
    .select(['from_number', 'to_number', 'sip_status', 'ended_at', 'disposition'])
    .where('sip_call_id', '=', sipCallId)
    .executeTakeFirst();
}

describe('hostile INVITEs', () => {
  const cases = fields.flatMap((field) =>
    hostileUsers.map((user) => [field, user.length > 60 ? `${user.slice(0, 40)}…` : user, user]),
  );

  it.each(cases)(
    '%s user %j: a final response, a closed call record, nothing expanded',
    async (field, _label, user) => {
      const f = fixture();
      const { request, callId } = hostileInvite(field as Field, user);
      const response = new RecordedResponse();
      await f.clock.run(f.handle(request, response));
      expect(await f.writer.drain()).toBe(true);

      expect(response.final, 'exactly one final response').toBeDefined();
      const row = await callRow(callId);
      expect(row, 'a call record').toBeDefined();
      expect(row?.ended_at).not.toBeNull();
      expect(row?.from_number ?? '').not.toMatch(/\p{Cc}/u);
      expect((row?.from_number ?? '').length).toBeLessThanOrEqual(maxUriUserLength);
      if (field === 'Request-URI') {
        // No such number: refused, not answered.
        expect(response.final?.status).toBe(404);
      } else {
        expect(response.final?.status).toBe(200);
        const spoken = commandsSent(f.server).filter((command) =>
          command.startsWith('execute speak'),
        );
        expect(spoken).toHaveLength(1);
      }
      for (const command of commandsSent(f.server)) expect(command).not.toMatch(/\$\{|\|.*\|.*\|/);
    },
  );

  it('reads the attack from a From user to the caller literally, without what made it one', async () => {
    const f = fixture();
    const { request } = hostileInvite('From', '%24%7Bsystem(touch%20pwned)%7D');
    await f.clock.run(f.handle(request, new RecordedResponse()));
    expect(commandsSent(f.server)).toContain(
      `execute speak flite|kal|Hello system(touch pwned), you called ${greetingNumber}`,
    );
  });

  it('speaks a CRM answer carrying the attack (httpLookup into vars) without expanding it', async () => {
    const f = fixture();
    const { request, callId } = hostileInvite('From', '+15550007777', crmNumber);
    const response = new RecordedResponse();
    await f.clock.run(f.handle(request, response));
    expect(await f.writer.drain()).toBe(true);
    expect(response.final?.status).toBe(200);
    expect(commandsSent(f.server)).toContain(
      'execute speak flite|kal|Hello system(touch pwned) esl password',
    );
    expect((await callRow(callId))?.ended_at).not.toBeNull();
  });

  it('survives a mutation stream of INVITEs and still answers a valid one', async () => {
    const f = fixture();
    // Deterministic mutations of a valid INVITE's users: bytes dropped, escapes broken.
    const seeds = ['+15550001111', '%24%7Bx%7D', 'caller%C3%28', '\u0000'];
    for (let round = 0; round < 40; round += 1) {
      const seed = seeds[round % seeds.length]!;
      const cut = seed.slice(0, (round * 7) % (seed.length + 1)) + '%'.repeat(round % 3);
      const field = fields[round % fields.length]!;
      const response = new RecordedResponse();
      await f.clock.run(f.handle(hostileInvite(field, cut).request, response));
      expect(response.final, `round ${round}: ${field} ${JSON.stringify(cut)}`).toBeDefined();
    }
    const response = new RecordedResponse();
    await f.clock.run(f.handle(hostileInvite('From', '+15550001111').request, response));
    expect(response.final?.status).toBe(200);
    expect(await f.writer.drain()).toBe(true);
  });

  it('holds nothing past the ACK limit for a caller that never acknowledges the answer', async () => {
    const f = fixture({ withholdAck: true });
    const { request, callId } = hostileInvite('From', '+15550006666');
    const response = new RecordedResponse();
    await f.clock.run(f.handle(request, response));
    expect(await f.writer.drain()).toBe(true);
    expect(response.final?.status).toBe(200);
    // No flow ran (nothing was played or spoken), and both halves were released.
    expect(commandsSent(f.server).filter((c) => /^(play|execute speak)/.test(c))).toEqual([]);
    expect(f.server.endpoints.every((endpoint) => endpoint.destroyed)).toBe(true);
    expect(f.dialogs[0]?.destroyed).toBe(true);
    const row = await database.db
      .selectFrom('calls')
      .select(['ended_at', 'answered_at', 'hangup_cause', 'disposition'])
      .where('sip_call_id', '=', callId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ hangup_cause: 'noAck', disposition: 'failed' });
    expect((row.ended_at?.getTime() ?? 0) - (row.answered_at?.getTime() ?? 0)).toBe(ackLimitMs);
  });

  it('records the number dialled as registered (E.164), however the carrier spelled it', async () => {
    const f = fixture();
    const { request, callId } = hostileInvite('To', '+15550006666', greetingNumber.slice(1));
    await f.clock.run(f.handle(request, new RecordedResponse()));
    expect(await f.writer.drain()).toBe(true);
    const row = await callRow(callId);
    expect(row?.to_number).toBe(greetingNumber);
    expect(commandsSent(f.server)).toContain(
      `execute speak flite|kal|Hello +15550006666, you called ${greetingNumber}`,
    );
  });
});
