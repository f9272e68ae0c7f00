/**
 * Recording a bridged call: FreeSwitchCallSession over the fsmrf twin asks
 * FreeSWITCH for a stereo `uuid_record`, masks and unmasks it, stops it when
 * the agent leg ends, and the `recordings` row (size, SHA-256, duration from
 * the WAV header, masked spans) lands in a real Postgres. The twin does not
 * write audio, so each test writes the WAV FreeSWITCH would have written.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedCallClock } from '../../ivr/simulated-call-clock.ts';
import { createLogger } from '../../platform/logger.ts';
import { CallRecordRepository } from '../../sql/repositories/call-record-repository.ts';
import { createTestDatabase, type TestDatabase } from '../../test/test-database.ts';
import type { CallRecordItem } from '../call-record/call-record.ts';
import { connectedLeg } from '../freeswitch/connected-leg.ts';
import { FreeSwitchCallSession } from '../freeswitch/free-switch-call-session.ts';
import { DialogTwin, MediaServerTwin, type EndpointTwin } from '../freeswitch/media-server-twin.ts';
import { BridgeRecorder } from './call-recording.ts';
import { LocalRecordingFiles, silentWav, wavDurationMs } from './recording-files.ts';

let database: TestDatabase;
let directory: string;
beforeAll(async () => {
  database = await createTestDatabase();
  directory = await mkdtemp(path.join(tmpdir(), 'sb-recordings-'));
});
afterAll(async () => {
  await database.cleanup();
  await rm(directory, { recursive: true, force: true });
});

const callId = '22222222-2222-4222-8222-222222222222';
const logger = createLogger({ level: 'silent' });

async function bridgedCall() {
  const clock = new SimulatedCallClock(Date.parse('2026-03-01T10:00:00Z'));
  const server = new MediaServerTwin(clock);
  const items: CallRecordItem[] = [];
  const local = new LocalRecordingFiles(directory);
  const recorder = new BridgeRecorder({
    freeswitchDir: '/var/lib/freeswitch/recordings',
    // Reading the file is real IO: simulated time waits for it.
    files: { inspect: (name) => clock.hold(local.inspect(name)) },
    sink: { write: (item) => items.push(item) },
    clock,
    logger,
    fileChecks: { attempts: 3, intervalMs: 500 },
  });
  const callerEndpoint = (await server.createEndpoint({ remoteSdp: 'v=0' })) as EndpointTwin;
  const agentEndpoint = (await server.createEndpoint()) as EndpointTwin;
  const agentDialog = new DialogTwin('agent-1');
  const agentLeg = connectedLeg(agentDialog, agentEndpoint, clock);
  const callerDialog = new DialogTwin('caller-1');
  const session = new FreeSwitchCallSession({
    callId,
    callerNumber: '+15550001111',
    dialedNumber: '+15550002222',
    caller: connectedLeg(callerDialog, callerEndpoint, clock),
    clock,
    logger,
    prompts: { promptsDir: '/p', voices: {} },
    recordingsDir: '/var/lib/freeswitch/recordings',
    agentLegs: { take: () => agentLeg },
    dialer: { dial: () => Promise.resolve({ outcome: 'failed' }) },
    recorder,
  });
  const bridged = session.bridge({ kind: 'agent', agentId: 'alice' });
  await clock.advance(0);
  return { clock, items, session, bridged, callerEndpoint, agentDialog, callerDialog };
}

describe('recording a bridged call', () => {
  it('records stereo from the bridge, masks paused spans and writes the row at hang-up', async () => {
    const { clock, items, session, bridged, callerEndpoint, agentDialog } = await bridgedCall();
    const recording = session.recording;
    expect(recording).toBeDefined();
    const fsPath = `/var/lib/freeswitch/recordings/${recording?.name}`;
    expect(callerEndpoint.commands).toContain('set RECORD_STEREO=true');
    expect(callerEndpoint.commands).toContain(
      `api uuid_record ${callerEndpoint.uuid} start ${fsPath}`,
    );

    await clock.advance(10_000);
    await recording?.pause();
    await recording?.pause();
    await clock.advance(8_000);
    await recording?.resume();
    await clock.advance(12_000);
    expect(callerEndpoint.commands.filter((c) => c.includes(' mask '))).toHaveLength(1);
    expect(callerEndpoint.commands).toContain(
      `api uuid_record ${callerEndpoint.uuid} unmask ${fsPath}`,
    );

    const audio = silentWav(30_000);
    await mkdir(path.join(directory, 'calls'), { recursive: true });
    await writeFile(path.join(directory, recording?.name ?? ''), audio);
    agentDialog.hangUpFromFarEnd();
    await clock.advance(0);
    expect(await bridged).toEqual({ outcome: 'completed', durationMs: 30_000 });
    expect(session.recording).toBeUndefined();
    expect(callerEndpoint.commands).toContain(
      `api uuid_record ${callerEndpoint.uuid} stop ${fsPath}`,
    );

    const row = items.find((item) => item.kind === 'recording');
    expect(row).toEqual({
      kind: 'recording',
      recording: {
        callId,
        storageUri: recording?.name,
        channels: 2,
        startedAt: new Date('2026-03-01T10:00:00Z'),
        durationMs: 30_000,
        bytes: audio.length,
        sha256: createHash('sha256').update(audio).digest('hex'),
        maskedIntervals: [{ fromMs: 10_000, toMs: 18_000 }],
      },
    });

    const repository = new CallRecordRepository(database.db);
    await repository.writeBatch([
      {
        kind: 'call',
        call: {
          id: callId,
          direction: 'inbound',
          fromNumber: '+15550001111',
          toNumber: '+15550002222',
          did: null,
          sipCallId: null,
          flowId: null,
          queueId: null,
          agentId: null,
          startedAt: new Date('2026-03-01T09:59:00Z'),
          answeredAt: null,
          enqueuedAt: null,
          offeredAt: null,
          bridgedAt: null,
          endedAt: null,
          hangupCause: null,
          disposition: null,
          sipStatus: null,
        },
      },
      ...(row === undefined ? [] : [row]),
      ...(row === undefined ? [] : [row]),
    ]);
    const stored = await database.db.selectFrom('recordings').selectAll().execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      call_id: callId,
      storage_uri: recording?.name,
      channels: 2,
      duration_ms: 30_000,
      sha256: createHash('sha256').update(audio).digest('hex'),
      masked_intervals: [{ fromMs: 10_000, toMs: 18_000 }],
    });
    expect(Number(stored[0]?.bytes)).toBe(audio.length);
  });

  it('closes an open masked span at hang-up and gives up (logged) when no file appears', async () => {
    await rm(path.join(directory, 'calls'), { recursive: true, force: true });
    const { clock, items, session, bridged, agentDialog } = await bridgedCall();
    await clock.advance(5_000);
    await session.recording?.pause();
    await clock.advance(5_000);
    expect(session.recording?.maskedIntervals).toEqual([{ fromMs: 5_000, toMs: 10_000 }]);
    agentDialog.hangUpFromFarEnd();
    await clock.advance(2_000);
    await bridged;
    expect(items.filter((item) => item.kind === 'recording')).toHaveLength(0);
  });
});

describe('recording when the caller hangs up first', () => {
  it.each([
    ['the caller hangs up first', false],
    ['FreeSWITCH dies mid-call', true],
  ])(
    'writes the row from the file when %s and `uuid_record stop` is never answered',
    async (_when, freeswitchDies) => {
      const { clock, items, session, bridged, callerEndpoint, callerDialog } = await bridgedCall();
      const recording = session.recording;
      await clock.advance(12_000);
      const audio = silentWav(12_000);
      await mkdir(path.join(directory, 'calls'), { recursive: true });
      await writeFile(path.join(directory, recording?.name ?? ''), audio);
      // The caller's channel is torn down: its event socket closes and answers nothing more.
      callerEndpoint.closeSocket();
      if (!freeswitchDies) callerDialog.hangUpFromFarEnd();
      else callerEndpoint.emit('destroy');
      const outcome = bridged.then(
        () => 'completed',
        () => 'ended',
      );
      await clock.advance(5_000);
      expect(await outcome).toBe('ended');
      expect(
        callerEndpoint.commands.filter((c) => c.includes('uuid_record') && c.includes(' stop ')),
      ).toHaveLength(1);
      const row = items.find((item) => item.kind === 'recording');
      expect(row).toMatchObject({
        kind: 'recording',
        recording: { callId, durationMs: 12_000, bytes: audio.length },
      });
      // And the caller's leg is released within its bound, though FreeSWITCH never answers.
      const hungUp = session.hangup('normal').then(() => 'released');
      await clock.advance(5_000);
      expect(await hungUp).toBe('released');
    },
  );
});

describe('wavDurationMs', () => {
  it.each([
    [0, 1],
    [1_000, 1],
    [30_000, 2],
  ] as const)('reads %i ms of %i-channel audio', (ms, channels) => {
    expect(wavDurationMs(silentWav(ms, channels))).toBe(ms);
  });

  it('takes the bytes present when FreeSWITCH has not finalised the data size', () => {
    const audio = silentWav(2_000);
    audio.writeUInt32LE(0, 40);
    expect(wavDurationMs(audio)).toBe(2_000);
  });

  it('is undefined for something that is not a WAV', () => {
    expect(wavDurationMs(Buffer.from('not audio at all'))).toBeUndefined();
  });
});
