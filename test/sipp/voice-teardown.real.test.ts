/**
 * How calls end, on a real drachtio-server and FreeSWITCH (issue: callers
 * hear every prompt, every recording and call is written, no call outlives
 * its parties). sipp plays callers and an agent phone; Switchboard's voice
 * path runs in-process as `switchboard start` wires it. What FreeSWITCH
 * actually played is read from its own CHANNEL_EXECUTE_COMPLETE events, not
 * from the simulator. Runs with `npm run test:sip` (settings in
 * test/sipp/sipp-rig.ts); SIPP_PORT_BASE + 6 is this suite's phone port.
 */
import { mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishFlowFile } from '../../app/flow-publisher.ts';
import { createTestDatabase, type TestDatabase } from '../test-database.ts';
import { createTestRedis, type TestRedis } from '../test-redis.ts';
import {
  addPhoneUser,
  registerPhone,
  repository,
  sipp,
  sippSkipReason as skipReason,
  sippTarget as target,
  startRealVoicePath,
  succeeded,
  until,
  watchFreeSwitch,
  type FreeSwitchWatch,
  type RealVoicePath,
} from './sipp-rig.ts';

if (skipReason !== undefined) console.info(`voice teardown suite skipped: ${skipReason}`);

const realm = 'switchboard';
const password = 'teardown-secret-1';
const phonePort = Number(process.env.SIPP_PORT_BASE ?? '5071') + 6;
const agentDid = '+15550007201';
const waitingDid = '+15550007202';

function queueFlow(id: string, queue: string, announce: boolean) {
  return {
    id,
    initial: 'answer',
    context: { language: 'en' },
    states: {
      answer: { invoke: { src: 'answer', onDone: 'queue' } },
      queue: {
        invoke: {
          src: 'enqueue',
          input: {
            queue,
            announcePosition: announce,
            announceWait: announce,
            announceEverySeconds: 5,
          },
          onDone: 'done',
          onError: 'done',
        },
      },
      done: { type: 'final' },
    },
  };
}

describe.skipIf(skipReason !== undefined)(
  `voice teardown on real servers${skipReason === undefined ? '' : ` (skipped: ${skipReason})`}`,
  () => {
    let database: TestDatabase;
    let testRedis: TestRedis;
    let rig: RealVoicePath | undefined;
    let freeswitch: FreeSwitchWatch | undefined;
    let agentId = '';

    beforeAll(async () => {
      database = await createTestDatabase();
      testRedis = createTestRedis();
      const flowsDir = await mkdtemp(path.join(tmpdir(), 'teardown-flows-'));
      await symlink(path.join(repository, 'flows/prompts'), path.join(flowsDir, 'prompts'));
      const flows = {
        agent: queueFlow('teardown-agent', 'teardown-agent', false),
        waiting: queueFlow('teardown-waiting', 'teardown-waiting', true),
      };
      for (const [name, flow] of Object.entries(flows)) {
        await writeFile(path.join(flowsDir, `${name}.json`), JSON.stringify(flow));
      }
      const now = new Date();
      await publishFlowFile(database.db, {
        file: path.join(flowsDir, 'agent.json'),
        number: agentDid,
        now,
      });
      await publishFlowFile(database.db, {
        file: path.join(flowsDir, 'waiting.json'),
        number: waitingDid,
        now,
      });
      await database.db
        .insertInto('queues')
        .values([
          { name: 'teardown-agent', ring_timeout_seconds: 15, wrap_up_seconds: 0 },
          { name: 'teardown-waiting', ring_timeout_seconds: 15, wrap_up_seconds: 0 },
        ])
        .execute();
      agentId = await addPhoneUser(database, {
        name: 'tdagent',
        role: 'agent',
        queues: ['teardown-agent'],
        password,
        realm,
      });
      rig = await startRealVoicePath({ database, testRedis, realm });
      freeswitch = await watchFreeSwitch();
    }, 60_000);

    afterAll(async () => {
      freeswitch?.close();
      await rig?.close();
      await testRedis?.cleanup();
      await database?.cleanup();
    }, 60_000);

    const callRow = (did: string, after: Date) =>
      until(
        () =>
          database.db
            .selectFrom('calls')
            .selectAll()
            .where('did', '=', did)
            .where('started_at', '>=', after)
            .executeTakeFirst(),
        (row) => row?.ended_at != null,
      );

    const recordingsOf = (callId: string) =>
      until(
        () =>
          database.db.selectFrom('recordings').selectAll().where('call_id', '=', callId).execute(),
        (rows) => rows.length > 0,
        10_000,
      );

    /** The agent registered and available, ready for the next offer. */
    async function agentReady(): Promise<void> {
      expect(await registerPhone('tdagent', password, phonePort)).toBe(0);
      await rig?.routing.desk.logIn(agentId);
      const status = await until(
        () => rig!.routing.desk.status(agentId),
        (found) => found.state === 'available',
      );
      expect(status.state).toBe('available');
    }

    for (const round of [1, 2, 3]) {
      it(`agent hangs up first (round ${round}): the call closes, recorded, and the agent is free`, async () => {
        await agentReady();
        const started = new Date();
        const phone = sipp('uas-agent-hangs-up.xml', ['-p', String(phonePort), '-d', '6000'], 60);
        const caller = sipp(
          'uac-hostile-caller.xml',
          ['-s', agentDid, '-key', 'caller', '+15550001111', target],
          60,
        );
        await succeeded(phone);
        await succeeded(caller);
        const call = await callRow(agentDid, started);
        expect(call?.ended_at, 'the call is closed').not.toBeNull();
        expect(call).toMatchObject({ agent_id: agentId, disposition: 'completed' });
        expect(call?.bridged_at).not.toBeNull();
        expect(await recordingsOf(call?.id ?? '')).toHaveLength(1);
        await rig?.routing.desk.logOut(agentId);
      }, 90_000);
    }

    it('caller hangs up first: the call closes with its recording row', async () => {
      await agentReady();
      const started = new Date();
      const phone = sipp('uas-agent-answers.xml', ['-p', String(phonePort)], 60);
      const caller = sipp('uac-caller-waits.xml', ['-s', agentDid, '-d', '8000', target], 60);
      await succeeded(caller);
      await succeeded(phone);
      const call = await callRow(agentDid, started);
      expect(call).toMatchObject({ agent_id: agentId, disposition: 'completed' });
      const recordings = await recordingsOf(call?.id ?? '');
      expect(recordings).toHaveLength(1);
      expect(Number(recordings[0]?.bytes)).toBeGreaterThan(44);
      await rig?.routing.desk.logOut(agentId);
    }, 90_000);

    it('a caller waiting with no agent hears their position and the wait, from files FreeSWITCH finds', async () => {
      freeswitch?.clear();
      const started = new Date();
      const caller = sipp('uac-caller-waits.xml', ['-s', waitingDid, '-d', '9000', target], 60);
      await succeeded(caller);
      const call = await callRow(waitingDid, started);
      expect(call?.disposition).toBe('abandoned');
      const played = (freeswitch?.executed ?? []).filter((app) => app.application === 'playback');
      const position = played.find((app) => app.data.endsWith('/en/queue/you-are-number.wav'));
      expect(position, JSON.stringify(played)).toBeDefined();
      expect(position?.response).toBe('FILE PLAYED');
      const number = played.find((app) => /\/en\/numbers\/1\.wav$/.test(app.data));
      expect(number?.response).toBe('FILE PLAYED');
      const notFound = played.filter(
        (app) => app.response !== 'FILE PLAYED' && !app.data.startsWith('local_stream://'),
      );
      expect(notFound, 'prompts FreeSWITCH could not play').toEqual([]);
    }, 60_000);
  },
);
