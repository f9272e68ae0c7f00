/**
 * SIP end to end with sipp (Debian `sip-tester`) against Switchboard's voice
 * path on a real drachtio-server and FreeSWITCH. The suite starts the voice
 * path itself, as `switchboard start` wires it (app/voice-path.ts), on a
 * cloned test database and its own Redis prefix, publishes two flows and
 * creates a queue, agents and a supervisor with SIP credentials. Nothing on
 * the SIP or media side is stood in for: sipp plays the callers and the
 * phones. Runs only with SWITCHBOARD_REAL_SIP=1 and `sipp` on PATH; reads
 *   DRACHTIO_HOST / DRACHTIO_PORT / DRACHTIO_SECRET      drachtio's admin socket
 *   FREESWITCH_HOST / FREESWITCH_PORT / FREESWITCH_SECRET FreeSWITCH's event socket
 *   SIPP_TARGET   drachtio's SIP address (default 127.0.0.1:5060)
 *   SIPP_PORT_BASE first local port for sipp phones (default 5071; uses 6)
 * One command (README "Voice"): `npm run test:sip`.
 */
import { mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishFlowFile } from '../../app/flow-publisher.ts';
import type { VoicePath } from '../../app/voice-path.ts';
import type { RedisRouting } from '../../routing/create-redis-routing.ts';
import { queueingFlow } from '../test-flows.ts';
import { createTestDatabase, type TestDatabase } from '../test-database.ts';
import { createTestRedis, type TestRedis } from '../test-redis.ts';
import {
  addPhoneUser,
  callTo,
  registerPhone,
  repository,
  sipp,
  sippSkipReason as skipReason,
  sippTarget as target,
  startRealVoicePath,
  succeeded,
  until,
  type RealVoicePath,
} from './sipp-rig.ts';

const env = process.env;
if (skipReason !== undefined) console.info(`sipp scenarios skipped: ${skipReason}`);

const portBase = Number(env.SIPP_PORT_BASE ?? '5071');
const realm = 'switchboard';
const ivrDid = '+15550007001';
const queueDid = '+15550007002';

const register = registerPhone;

const flows = {
  menu: {
    id: 'sipp-menu',
    description: 'sipp suite: a menu whose key 1 queues for an agent.',
    version: 1,
    initial: 'answer',
    context: { language: 'en' },
    states: {
      answer: { invoke: { src: 'answer', onDone: 'menu' } },
      menu: {
        invoke: {
          src: 'menu',
          input: {
            prompt: 'main-menu',
            options: { '1': 'agents' },
            timeoutSeconds: 8,
            retries: 1,
            noInputPrompt: 'no-input',
            invalidPrompt: 'invalid-choice',
          },
          onDone: [
            {
              guard: { type: 'menuChoice', params: { choice: 'agents' } },
              target: 'queue',
            },
            { target: 'goodbye' },
          ],
        },
      },
      queue: {
        invoke: {
          src: 'enqueue',
          input: { queue: 'sipp-menu', announcePosition: false, announceWait: false },
          onDone: 'done',
          onError: 'goodbye',
        },
      },
      goodbye: { invoke: { src: 'hangup', input: { prompt: 'goodbye' } } },
      done: { type: 'final' },
    },
  },
  queue: queueingFlow('sipp-queue', 'sipp-queue'),
};

describe.skipIf(skipReason !== undefined)(
  `sipp scenarios${skipReason === undefined ? '' : ` (skipped: ${skipReason})`}`,
  () => {
    let database: TestDatabase;
    let testRedis: TestRedis;
    let routing: RedisRouting;
    let voice: VoicePath;
    let rig: RealVoicePath | undefined;
    const password = 'sipp-secret-1';
    const people: Record<string, string> = {};

    async function person(name: string, role: 'agent' | 'supervisor', queues: string[]) {
      people[name] = await addPhoneUser(database, { name, role, queues, password, realm });
      return people[name];
    }

    const callRow = (did: string, after: Date) => callTo(database, did, after, () => true, 0);

    beforeAll(async () => {
      database = await createTestDatabase();
      testRedis = createTestRedis();
      const flowsDir = await mkdtemp(path.join(tmpdir(), 'sipp-flows-'));
      await symlink(path.join(repository, 'flows/prompts'), path.join(flowsDir, 'prompts'));
      for (const [name, flow] of Object.entries(flows)) {
        await writeFile(path.join(flowsDir, `${name}.json`), JSON.stringify(flow));
      }
      await publishFlowFile(database.db, {
        file: path.join(flowsDir, 'menu.json'),
        number: ivrDid,
        now: new Date(),
      });
      await publishFlowFile(database.db, {
        file: path.join(flowsDir, 'queue.json'),
        number: queueDid,
        now: new Date(),
      });
      await database.db
        .insertInto('queues')
        .values([
          { name: 'sipp-menu', ring_timeout_seconds: 15, wrap_up_seconds: 0 },
          // One missed offer puts the agent on break, so the caller goes to the next agent.
          { name: 'sipp-queue', ring_timeout_seconds: 5, wrap_up_seconds: 0, max_missed_offers: 1 },
        ])
        .execute();
      await person('sippanswers', 'agent', ['sipp-menu']);
      await person('sippnoanswer', 'agent', ['sipp-queue']);
      await person('sippsecond', 'agent', ['sipp-queue']);
      await person('sippwatched', 'agent', ['sipp-queue']);
      await person('sippsupervisor', 'supervisor', []);

      rig = await startRealVoicePath({ database, testRedis, realm });
      routing = rig.routing;
      voice = rig.voice;
    }, 60_000);

    afterAll(async () => {
      await rig?.close();
      await testRedis?.cleanup();
      await database?.cleanup();
    }, 60_000);

    it('registers an agent phone with digest and refuses a wrong password', async () => {
      expect(await register('sippanswers', password, portBase)).toBe(0);
      expect(await register('sippanswers', 'wrong-password', portBase)).not.toBe(0);
    });

    it('caller picks 1 with RFC 2833 DTMF and reaches the agent, whose phone answers', async () => {
      const started = new Date();
      expect(await register('sippanswers', password, portBase)).toBe(0);
      await routing.desk.logIn(people.sippanswers ?? '');
      const agent = sipp('uas-agent-answers.xml', ['-p', String(portBase)], 90);
      const caller = sipp('uac-inbound-ivr.xml', ['-s', ivrDid, '-d', '15000', target], 90);
      await succeeded(caller);
      await succeeded(agent);
      const call = await until(
        () => callRow(ivrDid, started),
        (row) => row?.ended_at != null,
      );
      expect(call).toMatchObject({ agent_id: people.sippanswers });
      expect(call?.bridged_at).not.toBeNull();
      await routing.desk.logOut(people.sippanswers ?? '');
    }, 120_000);

    it('caller abandons in queue: the call is recorded abandoned and leaves the queue', async () => {
      const started = new Date();
      const caller = sipp('uac-caller-waits.xml', ['-s', queueDid, '-d', '4000', target]);
      await succeeded(caller);
      const call = await until(
        () => callRow(queueDid, started),
        (row) => row?.ended_at != null,
      );
      expect(call?.disposition).toBe('abandoned');
      expect(call?.enqueued_at).not.toBeNull();
      expect(call?.agent_id).toBeNull();
    }, 60_000);

    it('agent does not answer: the offer times out and the caller is offered to the next agent', async () => {
      const started = new Date();
      expect(await register('sippnoanswer', password, portBase + 1)).toBe(0);
      expect(await register('sippsecond', password, portBase + 2)).toBe(0);
      await routing.desk.logIn(people.sippnoanswer ?? '');
      const missed = sipp('uas-agent-no-answer.xml', ['-p', String(portBase + 1)], 60);
      const second = sipp('uas-agent-answers.xml', ['-p', String(portBase + 2)], 90);
      const caller = sipp('uac-caller-waits.xml', ['-s', queueDid, '-d', '20000', target], 90);
      await succeeded(missed);
      // The first agent missed (and is on break after one miss): the next one logs in and gets it.
      expect((await routing.desk.status(people.sippnoanswer ?? '')).state).toBe('break');
      await routing.desk.logIn(people.sippsecond ?? '');
      await succeeded(second);
      await succeeded(caller);
      const call = await until(
        () => callRow(queueDid, started),
        (row) => row?.ended_at != null,
      );
      expect(call).toMatchObject({ agent_id: people.sippsecond });
      await routing.desk.logOut(people.sippnoanswer ?? '');
      await routing.desk.logOut(people.sippsecond ?? '');
    }, 120_000);

    it('supervisor joins a connected call in listen mode', async () => {
      const started = new Date();
      expect(await register('sippwatched', password, portBase + 3)).toBe(0);
      expect(await register('sippsupervisor', password, portBase + 4)).toBe(0);
      await routing.desk.logIn(people.sippwatched ?? '');
      const agent = sipp('uas-agent-answers.xml', ['-p', String(portBase + 3)], 90);
      const supervisorPhone = sipp('uas-agent-answers.xml', ['-p', String(portBase + 4)], 90);
      const caller = sipp('uac-caller-waits.xml', ['-s', queueDid, '-d', '20000', target], 90);
      const bridged = await until(
        () => callRow(queueDid, started),
        (row) => row?.bridged_at != null,
      );
      expect(bridged?.agent_id).toBe(people.sippwatched);
      await voice.liveCalls.supervise({
        callId: bridged?.id ?? '',
        supervisorId: people.sippsupervisor ?? '',
        supervisorName: 'Sipp Supervisor',
        mode: 'listen',
      });
      const events = await testRedis.connect().xrange(routing.commands.keys.events(), '-', '+');
      const joined = events.filter(([, fields]) => fields.includes('supervision.joined'));
      expect(joined).toHaveLength(1);
      expect(joined[0]?.[1]).toEqual(expect.arrayContaining(['mode', 'listen']));
      await succeeded(caller);
      await succeeded(agent);
      // The supervisor is hung up when the call ends.
      await succeeded(supervisorPhone);
      await routing.desk.logOut(people.sippwatched ?? '');
    }, 120_000);

    it('agent transfers the connected caller to another queue, whose agent answers', async () => {
      const started = new Date();
      expect(await register('sippwatched', password, portBase + 3)).toBe(0);
      expect(await register('sippanswers', password, portBase)).toBe(0);
      await routing.desk.logIn(people.sippwatched ?? '');
      const first = sipp('uas-agent-answers.xml', ['-p', String(portBase + 3)], 90);
      const second = sipp('uas-agent-answers.xml', ['-p', String(portBase)], 90);
      const caller = sipp('uac-caller-waits.xml', ['-s', queueDid, '-d', '25000', target], 90);
      const bridged = await until(
        () => callRow(queueDid, started),
        (row) => row?.bridged_at != null,
      );
      expect(bridged?.agent_id).toBe(people.sippwatched);
      await routing.desk.logIn(people.sippanswers ?? '');
      const menuQueue = await database.db
        .selectFrom('queues')
        .select('id')
        .where('name', '=', 'sipp-menu')
        .executeTakeFirstOrThrow();
      // What POST /calls/:callId/transfer asks of the voice layer (queues named by row id).
      await voice.liveCalls.transfer({
        callId: bridged?.id ?? '',
        requestedBy: people.sippwatched ?? '',
        target: { kind: 'queue', queueId: menuQueue.id },
      });
      // The first agent's phone got BYE and the agent is free again.
      await succeeded(first);
      const secondBusy = await until(
        () => routing.desk.status(people.sippanswers ?? ''),
        (status) => status.state === 'busy',
      );
      expect(secondBusy.state).toBe('busy');
      expect((await routing.desk.status(people.sippwatched ?? '')).state).toBe('available');
      await succeeded(caller);
      await succeeded(second);
      await routing.desk.logOut(people.sippwatched ?? '');
      await routing.desk.logOut(people.sippanswers ?? '');
    }, 120_000);
  },
);
