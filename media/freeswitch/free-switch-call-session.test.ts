/**
 * FreeSwitchCallSession against the fsmrf-shaped twin (media/freeswitch/
 * media-server-twin.ts) on a simulated call clock. The same contract runs
 * against a real FreeSWITCH in free-switch-call-session.real.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { describeCallSessionContract } from '../../ivr/call-session-contract.ts';
import { SimulatedCallClock } from '../../ivr/simulated-call-clock.ts';
import { createLogger } from '../../platform/logger.ts';
import { connectedLeg, type ConnectedLeg } from './connected-leg.ts';
import { FreeSwitchCallSession, type DialResult } from './free-switch-call-session.ts';
import { DialogTwin, MediaServerTwin, type EndpointTwin } from './media-server-twin.ts';

const prompts = {
  promptsDir: '/usr/share/switchboard/prompts',
  voices: { en: { engine: 'flite', voice: 'kal' } },
  music: { default: 'moh/default' },
};

async function twinCall(
  options: {
    agentLeg?: () => ConnectedLeg | undefined;
    dial?: (destination: string) => Promise<DialResult>;
    dialplanVariables?: Record<string, string>;
  } = {},
) {
  const clock = new SimulatedCallClock(1_000_000);
  const server = new MediaServerTwin(clock);
  for (const [name, value] of Object.entries(options.dialplanVariables ?? {})) {
    server.dialplanVariables.set(name, value);
  }
  const endpoint = (await server.createEndpoint({ remoteSdp: 'v=0' })) as EndpointTwin;
  const dialog = new DialogTwin('sip-call-1');
  const session = new FreeSwitchCallSession({
    callId: '7d3c1c9e-0000-4000-8000-000000000001',
    callerNumber: '+15550001111',
    dialedNumber: '+15550002222',
    caller: connectedLeg(dialog, endpoint),
    clock,
    logger: createLogger({ level: 'silent' }),
    prompts,
    recordingsDir: '/var/lib/freeswitch/recordings',
    agentLegs: { take: () => options.agentLeg?.() },
    dialer: {
      dial: (destination) =>
        options.dial?.(destination) ?? Promise.resolve({ outcome: 'failed' as const }),
    },
  });
  await clock.advance(0);
  return { clock, server, endpoint, dialog, session };
}

describeCallSessionContract('FreeSwitchCallSession over the fsmrf twin', async () => {
  const { clock, server, endpoint, dialog, session } = await twinCall();
  return {
    session,
    pressKeys: async (keys) => {
      endpoint.receiveDtmf(keys);
      await clock.advance(0);
    },
    callerHangsUp: async () => {
      dialog.hangUpFromFarEnd();
      await clock.advance(0);
    },
    elapse: (ms) => clock.advance(ms),
    close: async () => {
      await session.hangup('normal');
      await clock.advance(0);
      expect(clock.pendingTimerCount).toBe(0);
      expect(server.currentSessions).toBe(0);
    },
  };
});

describe('FreeSwitchCallSession on FreeSWITCH', () => {
  it('turns prompts into FreeSWITCH playbacks and leaves keys to us', async () => {
    const { clock, endpoint, session } = await twinCall();
    const playing = session.play([
      { kind: 'file', name: 'main-menu', language: 'en' },
      { kind: 'tts', text: 'Press | one', language: 'en' },
      { kind: 'tts', text: '你好', language: 'zh' },
      { kind: 'silence', durationMs: 300 },
      { kind: 'music', name: 'default', durationMs: 5000 },
    ]);
    await clock.advance(10_000);
    await expect(playing).resolves.toEqual({});
    expect(endpoint.commands).toEqual([
      'set playback_terminators=none',
      'play /usr/share/switchboard/prompts/en/main-menu.wav',
      'execute speak flite|kal|Press one',
      'play silence_stream://300',
      'play local_stream://moh/default',
      `api uuid_break ${endpoint.uuid}`,
    ]);
  });

  it('sends no playback_terminators command when the dialplan already set it (docker/freeswitch)', async () => {
    const { clock, endpoint, session } = await twinCall({
      dialplanVariables: { playback_terminators: 'none' },
    });
    const playing = session.play([{ kind: 'file', name: 'main-menu', language: 'en' }]);
    await clock.advance(5_000);
    await expect(playing).resolves.toEqual({});
    expect(endpoint.commands).toEqual(['play /usr/share/switchboard/prompts/en/main-menu.wav']);
  });

  it('plays hold music while waiting for the first key and stops it after', async () => {
    const { clock, endpoint, session } = await twinCall();
    const collecting = session.collectDigits({
      minDigits: 1,
      maxDigits: 1,
      firstDigitTimeoutMs: 30_000,
      interDigitTimeoutMs: 1000,
      holdMusic: 'default',
    });
    await clock.advance(12_000);
    endpoint.receiveDtmf('1');
    await clock.advance(0);
    await expect(collecting).resolves.toEqual({ digits: '1', endedBy: 'maxDigits' });
    expect(endpoint.commands.slice(-2)).toEqual([
      'play local_stream://moh/default',
      `api uuid_break ${endpoint.uuid}`,
    ]);
  });

  it('goes on past a prompt file FreeSWITCH cannot find', async () => {
    const { clock, server, session } = await twinCall();
    server.missingFiles.add('/usr/share/switchboard/prompts/en/gone.wav');
    const playing = session.play([
      { kind: 'file', name: 'gone', language: 'en' },
      { kind: 'silence', durationMs: 100 },
    ]);
    await clock.advance(200);
    await expect(playing).resolves.toEqual({});
  });

  it('records with FreeSWITCH terminators only while recording, and reports silence', async () => {
    const { clock, server, endpoint, session } = await twinCall();
    server.callerSpeechMs = 4000;
    const recording = session.record({
      beep: true,
      maxLengthMs: 60_000,
      silenceTimeoutMs: 3000,
      finishKey: '#',
    });
    await clock.advance(10_000);
    const result = await recording;
    expect(result).toMatchObject({ endedBy: 'silence' });
    expect(result.recordingUri).toMatch(/^\/var\/lib\/freeswitch\/recordings\/.+-1\.wav$/);
    expect(endpoint.commands).toContain('set playback_terminators=#');
    expect(endpoint.commands.at(-1)).toBe('set playback_terminators=none');
  });

  it('stops recording at the length limit', async () => {
    const { clock, session } = await twinCall();
    const recording = session.record({ beep: false, maxLengthMs: 5000, silenceTimeoutMs: 3000 });
    await clock.advance(6000);
    await expect(recording).resolves.toMatchObject({ endedBy: 'maxLength', durationMs: 5000 });
  });

  it('bridges the caller to the agent leg and resolves when the agent hangs up', async () => {
    const legs: { dialog?: DialogTwin; endpoint?: EndpointTwin } = {};
    const call = await twinCall({
      agentLeg: () =>
        legs.dialog && legs.endpoint ? connectedLeg(legs.dialog, legs.endpoint) : undefined,
    });
    const agentEndpoint = (await call.server.createEndpoint()) as EndpointTwin;
    const agentDialog = new DialogTwin('sip-agent-1');
    legs.endpoint = agentEndpoint;
    legs.dialog = agentDialog;
    const bridging = call.session.bridge({ kind: 'agent', agentId: 'agent-1' });
    await call.clock.advance(90_000);
    expect(call.endpoint.bridgedWith).toBe(agentEndpoint.uuid);
    agentDialog.hangUpFromFarEnd();
    await call.clock.advance(0);
    await expect(bridging).resolves.toEqual({ outcome: 'completed', durationMs: 90_000 });
    expect(call.session.ended).toBe(false);
    expect(agentEndpoint.destroyed).toBe(true);
  });

  it.each([
    [
      'the agent hung up (their BYE, then FreeSWITCH ends the caller across the bridge)',
      true,
      'normal',
    ],
    ['FreeSWITCH went away (both channels end from its side)', false, 'mediaServerLost'],
  ])('records the caller ended by FreeSWITCH after %s as %s', async (_how, agentByes, cause) => {
    const call = await twinCall({ agentLeg: () => connectedLeg(agentDialog, agentEndpoint) });
    const agentEndpoint = (await call.server.createEndpoint()) as EndpointTwin;
    const agentDialog = new DialogTwin('sip-agent-1');
    const causes: string[] = [];
    call.session.onHangup((ended) => causes.push(ended));
    void call.session.bridge({ kind: 'agent', agentId: 'agent-1' }).catch(() => undefined);
    await call.clock.advance(1000);
    if (agentByes) agentDialog.hangUpFromFarEnd();
    else agentEndpoint.endFromServer();
    await call.clock.advance(0);
    call.endpoint.endFromServer();
    await call.clock.advance(0);
    expect(causes).toEqual([cause]);
  });

  it('fails a bridge when no agent leg is waiting', async () => {
    const { session } = await twinCall();
    await expect(session.bridge({ kind: 'agent', agentId: 'nobody' })).resolves.toEqual({
      outcome: 'failed',
      durationMs: 0,
    });
  });

  it('hangs up the agent leg when the caller hangs up mid-bridge', async () => {
    const call = await twinCall({
      agentLeg: () => connectedLeg(agentDialog, agentEndpoint),
    });
    const agentEndpoint = (await call.server.createEndpoint()) as EndpointTwin;
    const agentDialog = new DialogTwin('sip-agent-1');
    const bridging = call.session
      .bridge({ kind: 'agent', agentId: 'agent-1' })
      .catch((error: unknown) => error);
    await call.clock.advance(1000);
    call.dialog.hangUpFromFarEnd();
    await call.clock.advance(0);
    expect(await bridging).toMatchObject({ code: 'unavailable' });
    expect(agentDialog.destroyed).toBe(true);
    expect(call.server.currentSessions).toBe(0);
  });

  it('transfers by dialling out and bridging; reports busy and no answer', async () => {
    const legs: EndpointTwin[] = [];
    const call = await twinCall({
      dial: async (destination) => {
        if (destination === '+15559990000') return { outcome: 'busy' };
        if (destination === 'sip:late@example.com') return { outcome: 'noAnswer' };
        const endpoint = (await call.server.createEndpoint()) as EndpointTwin;
        legs.push(endpoint);
        const dialog = new DialogTwin('sip-transfer');
        call.clock.setTimeout(() => dialog.hangUpFromFarEnd(), 30_000);
        return { outcome: 'answered', leg: connectedLeg(dialog, endpoint) };
      },
    });
    await expect(call.session.transfer('+15559990000', { timeoutMs: 20_000 })).resolves.toEqual({
      outcome: 'busy',
    });
    await expect(
      call.session.transfer('sip:late@example.com', { timeoutMs: 20_000 }),
    ).resolves.toEqual({ outcome: 'noAnswer' });
    const answered = call.session.transfer('+15558887777', { timeoutMs: 20_000 });
    await call.clock.advance(31_000);
    await expect(answered).resolves.toEqual({ outcome: 'answered' });
    expect(call.endpoint.bridgedWith).toBe(legs[0]?.uuid);
  });

  it('ends the call when FreeSWITCH drops the channel, as the media lost, not the caller hanging up', async () => {
    const { clock, dialog, endpoint, session } = await twinCall();
    const causes: string[] = [];
    session.onHangup((cause) => causes.push(cause));
    endpoint.endFromServer();
    await clock.advance(0);
    expect(session.ended).toBe(true);
    expect(causes).toEqual(['mediaServerLost']);
    expect(dialog.destroyed).toBe(true);
  });
});
