/**
 * How calls end, on a real drachtio-server and FreeSWITCH (issue: callers
 * hear every prompt, every recording and call is written, no call outlives
 * its parties). sipp plays callers and an agent phone; Switchboard's voice
 * path runs in-process as `switchboard start` wires it. What FreeSWITCH
 * actually played is read from its own CHANNEL_EXECUTE_COMPLETE events, not
 * from the simulator. Runs with `npm run test:sip` (settings in
 * test/sipp/sipp-rig.ts); SIPP_PORT_BASE + 6 is this suite's phone port.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishFlowFile } from '../../app/flow-publisher.ts';
import { queueingFlow } from '../test-flows.ts';
import { createTestDatabase, type TestDatabase } from '../test-database.ts';
import { createTestRedis, type TestRedis } from '../test-redis.ts';
import {
  addPhoneUser,
  callTo,
  registerPhone,
  repository,
  runControl,
  serverControl,
  serverLossSkipReason,
  sipp,
  sippSkipReason as skipReason,
  sippTarget as target,
  startRealVoicePath,
  succeeded,
  until,
  watchFreeSwitch,
  type FreeSwitchWatch,
  type Sipp,
  type RealVoicePath,
} from './sipp-rig.ts';

if (skipReason !== undefined) console.info(`voice teardown suite skipped: ${skipReason}`);
if (skipReason === undefined && serverLossSkipReason !== undefined) {
  console.info(`server-loss tests skipped: ${serverLossSkipReason}`);
}
const env = process.env;

const realm = 'switchboard';
const password = 'teardown-secret-1';
const phonePort = Number(process.env.SIPP_PORT_BASE ?? '5071') + 6;
const agentDid = '+15550007201';
const waitingDid = '+15550007202';

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
        agent: queueingFlow('teardown-agent', 'teardown-agent'),
        waiting: queueingFlow('teardown-waiting', 'teardown-waiting', { announceEverySeconds: 5 }),
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
      callTo(database, did, after, (row) => row?.ended_at != null);

    const recordingsOf = (callId: string) =>
      until(
        () =>
          database.db.selectFrom('recordings').selectAll().where('call_id', '=', callId).execute(),
        (rows) => rows.length > 0,
        10_000,
      );

    /** The ACD's offer time and the call's legs (caller and the agent who answered), all closed. */
    async function expectOfferedWithLegs(
      call: { id: string; offered_at: Date | null } | undefined,
    ) {
      expect(call?.offered_at, 'offered_at').not.toBeNull();
      const legs = await database.db
        .selectFrom('call_legs')
        .select(['role', 'user_id', 'answered_at', 'ended_at'])
        .where('call_id', '=', call?.id ?? '')
        .execute();
      expect(legs.map((leg) => leg.role).sort()).toEqual(['agent', 'caller']);
      const agentLeg = legs.find((leg) => leg.role === 'agent');
      expect(agentLeg?.user_id).toBe(agentId);
      expect(agentLeg?.answered_at).not.toBeNull();
      for (const leg of legs) expect(leg.ended_at, `${leg.role} leg closed`).not.toBeNull();
    }

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
        await expectOfferedWithLegs(call);
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
      await expectOfferedWithLegs(call);
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

    /** A caller bridged with the agent, both sipp phones waiting for the far end's BYE. */
    async function bridgedCall(): Promise<{ phone: Sipp; caller: Sipp; callId: string }> {
      // Both servers back (after an earlier test took one away) before the call.
      await probeOk('freeswitch');
      await probeOk('drachtio');
      await agentReady();
      const started = new Date();
      const phone = sipp('uas-agent-answers.xml', ['-p', String(phonePort)], 120);
      const caller = sipp(
        'uac-hostile-caller.xml',
        ['-s', agentDid, '-key', 'caller', '+15550001111', target],
        120,
      );
      const bridged = await callTo(database, agentDid, started, (row) => row?.bridged_at != null);
      expect(bridged?.bridged_at, 'the caller reached the agent').not.toBeNull();
      return { phone, caller, callId: bridged?.id ?? '' };
    }

    async function endedWithin(callId: string, since: number) {
      const row = await until(
        () =>
          database.db
            .selectFrom('calls')
            .select(['ended_at', 'hangup_cause', 'disposition'])
            .where('id', '=', callId)
            .executeTakeFirstOrThrow(),
        (found) => found.ended_at != null,
        20_000,
      );
      expect(row.ended_at, 'the call is closed').not.toBeNull();
      // Detected and closed within 5 s of the server going away.
      expect((row.ended_at?.getTime() ?? Infinity) - since).toBeLessThan(5_000);
      return row;
    }

    async function probeOk(name: string) {
      const probe = rig?.voice.probes.find((p) => p.name === name);
      const state = await until(
        () =>
          probe!.check().then(
            () => 'ok',
            (error: unknown) => String(error),
          ),
        (found) => found === 'ok',
        60_000,
      );
      expect(state, `${name} reconnected`).toBe('ok');
    }

    describe.skipIf(serverLossSkipReason !== undefined)('servers lost mid-call', () => {
      it('FreeSWITCH killed: the call closes within 5 s, the agent is free, and it reconnects by itself', async () => {
        const { phone, caller, callId } = await bridgedCall();
        const killedAt = Date.now();
        await runControl(serverControl.killFreeSwitch);
        try {
          expect((await endedWithin(callId, killedAt)).hangup_cause).toBe('mediaServerLost');
          const agent = await until(
            () => rig!.routing.desk.status(agentId),
            (found) => found.state === 'available',
          );
          expect(agent.state).toBe('available');
          // Both phones got their BYE from drachtio-server.
          await succeeded(caller);
          await succeeded(phone);
        } finally {
          await runControl(serverControl.startFreeSwitch);
        }
        await probeOk('freeswitch');
        await rig?.routing.desk.logOut(agentId);
        const after = sipp('uac-caller-waits.xml', ['-s', waitingDid, '-d', '2000', target], 60);
        await succeeded(after);
      }, 180_000);

      it('drachtio-server killed: the call closes within 5 s as signallingLost, the agent is free, and it reconnects', async () => {
        const { phone, caller, callId } = await bridgedCall();
        const killedAt = Date.now();
        await runControl(serverControl.killDrachtio);
        try {
          const row = await endedWithin(callId, killedAt);
          expect(row.hangup_cause).toBe('signallingLost');
          const agent = await until(
            () => rig!.routing.desk.status(agentId),
            (found) => found.state === 'available',
          );
          expect(agent.state).toBe('available');
          const channels = await freeswitch?.api('show', 'channels count');
          expect(channels, 'no FreeSWITCH session outlives the call').toMatch(/^\s*0 total/m);
        } finally {
          // Their dialogs died with drachtio-server: nothing will end them.
          caller.stop();
          phone.stop();
          await runControl(serverControl.startDrachtio);
        }
        await probeOk('drachtio');
        await rig?.routing.desk.logOut(agentId);
        const after = sipp('uac-caller-waits.xml', ['-s', waitingDid, '-d', '2000', target], 60);
        await succeeded(after);
      }, 180_000);
    });

    // Last: it closes the in-process voice path, so that the CLI's process is
    // the only application drachtio-server hands calls to.
    it('switchboard start exits on SIGTERM within its bounds while a call is live, closing the call', async () => {
      await rig?.close();
      rig = undefined;
      const drainSeconds = 3;
      const child = spawn(
        process.execPath,
        [path.join(repository, 'bin/switchboard.js'), 'start'],
        {
          env: {
            ...env,
            DATABASE_URL: database.url,
            REDIS_URL: testRedis.url,
            REDIS_KEY_PREFIX: `${testRedis.keyPrefix}cli:`,
            HTTP_HOST: '127.0.0.1',
            HTTP_PORT: '0',
            FSMRF_LISTEN_ADDRESS: env.FSMRF_LISTEN_ADDRESS ?? '127.0.0.1',
            FREESWITCH_PROMPTS_DIR: path.join(repository, 'flows/prompts'),
            SIP_REALM: realm,
            SHUTDOWN_DRAIN_SECONDS: String(drainSeconds),
            MEDIA_MIN_IDLE_CPU: '0',
            SIP_TRUSTED_SOURCES: '127.0.0.1',
            LOG_LEVEL: 'warn',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
      await until(
        () => Promise.resolve(output),
        (text) => text.includes('Switchboard is up'),
        30_000,
      );
      // Give drachtio-server a moment to route to the new application.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const started = new Date();
      const caller = sipp(
        'uac-hostile-caller.xml',
        ['-s', waitingDid, '-key', 'caller', '+15550001111', target],
        60,
      );
      const answered = await callTo(
        database,
        waitingDid,
        started,
        (row) => row?.answered_at != null,
      );
      expect(answered?.answered_at, output).not.toBeNull();
      const signalledAt = Date.now();
      child.kill('SIGTERM');
      const [code] = await exited;
      const tookMs = Date.now() - signalledAt;
      expect(code, output).toBe(0);
      // The drain, the bounded hang-up of what is left, and start-up margin.
      expect(tookMs).toBeLessThan(drainSeconds * 1000 + 15_000);
      await succeeded(caller);
      const row = await database.db
        .selectFrom('calls')
        .select(['ended_at'])
        .where('id', '=', answered?.id ?? '')
        .executeTakeFirstOrThrow();
      expect(row.ended_at, 'the call is closed').not.toBeNull();
    }, 120_000);
  },
);
