/**
 * Hold, mute and DTMF of the agent on a live call, through
 * MediaLiveCallControl. Twins: drachtio-srf dialogs and fsmrf endpoints
 * (media-server-twin.ts), which log every FreeSWITCH command asked of them.
 */
import { describe, expect, it } from 'vitest';
import { describeCallControlsContract } from '../../api/live-call/call-controls-contract.ts';
import { connectedLeg } from '../freeswitch/connected-leg.ts';
import { FreeSwitchCallSession } from '../freeswitch/free-switch-call-session.ts';
import { DialogTwin, type EndpointTwin } from '../freeswitch/media-server-twin.ts';
import { callId, liveCall, logger, type LiveCall } from './test-live-call.ts';

const callWithoutAgent = '55555555-5555-4555-8555-555555555555';

/** A second call, answered and still in its flow: no agent bridged. */
async function trackUnbridged(t: LiveCall): Promise<void> {
  const endpoint = await t.server.createEndpoint({ remoteSdp: 'v=0' });
  t.calls.track(
    new FreeSwitchCallSession({
      callId: callWithoutAgent,
      callerNumber: '+15550003333',
      dialedNumber: '+15550002222',
      caller: connectedLeg(new DialogTwin('ivr-caller'), endpoint),
      clock: t.clock,
      logger,
      prompts: { promptsDir: '/p', voices: {} },
      recordingsDir: '/r',
      agentLegs: { take: () => undefined },
      dialer: t.dialer,
    }),
  );
}

function dtmfSent(endpoint: EndpointTwin): string[] {
  const prefix = `api uuid_send_dtmf ${endpoint.uuid} `;
  return endpoint.commands.filter((c) => c.startsWith(prefix)).map((c) => c.slice(prefix.length));
}

describeCallControlsContract('FreeSWITCH', async () => {
  const t = await liveCall();
  await trackUnbridged(t);
  return {
    control: t.control,
    callId,
    callWithoutAgent,
    sentDigits: () => dtmfSent(t.callerEndpoint),
    agentHangsUp: async () => {
      t.agentDialog.hangUpFromFarEnd();
      await t.clock.advance(0);
    },
    close: async () => {
      t.callerDialog.hangUpFromFarEnd();
      await t.bridged.catch(() => undefined);
    },
  };
});

/** Commands asked of `endpoint` since `from` (an index into its log). */
const since = (endpoint: EndpointTwin, from: number) => endpoint.commands.slice(from);

describe('hold on FreeSWITCH', () => {
  it('parks both channels and plays the queues’ hold music to the customer; resume bridges them again', async () => {
    const t = await liveCall();
    const caller = t.callerEndpoint;
    expect(caller.bridgedWith).toBe(t.agentEndpoint.uuid);
    const before = caller.commands.length;
    await t.control.hold(callId);
    expect(since(caller, before)).toEqual([
      `api uuid_transfer ${caller.uuid} -both park inline`,
      'play local_stream://default',
    ]);
    expect(caller.bridgedWith).toBeUndefined();
    // Holding again asks FreeSWITCH nothing.
    await t.control.hold(callId);
    expect(since(caller, before)).toHaveLength(2);

    await t.control.resume(callId);
    expect(since(caller, before + 2)).toEqual([
      `api uuid_break ${caller.uuid}`,
      `bridge ${t.agentEndpoint.uuid}`,
    ]);
    expect(caller.bridgedWith).toBe(t.agentEndpoint.uuid);
    expect(await t.control.controls(callId)).toEqual({ held: false, muted: false });
  });

  it('stops the music when the agent hangs up during the hold, so the flow can go on', async () => {
    const t = await liveCall();
    await t.control.hold(callId);
    const before = t.callerEndpoint.commands.length;
    t.agentDialog.hangUpFromFarEnd();
    await t.clock.advance(0);
    expect(since(t.callerEndpoint, before)).toContain(`api uuid_break ${t.callerEndpoint.uuid}`);
    expect(await t.bridged).toMatchObject({ outcome: 'completed' });
    expect(t.callerDialog.destroyed).toBe(false);
  });

  it('keeps the call held, music playing, when FreeSWITCH refuses to bridge again', async () => {
    const t = await liveCall();
    await t.control.hold(callId);
    const bridge = t.callerEndpoint.bridge.bind(t.callerEndpoint);
    t.callerEndpoint.bridge = () => Promise.reject(new Error('-ERR no such channel'));
    await expect(t.control.resume(callId)).rejects.toThrow(/no such channel/);
    expect(t.callerEndpoint.commands.at(-1)).toBe('play local_stream://default');
    expect(await t.control.controls(callId)).toEqual({ held: true, muted: false });
    t.callerEndpoint.bridge = bridge;
    expect(await t.control.resume(callId)).toEqual({ held: false, muted: false });
  });
});

describe('mute and DTMF on FreeSWITCH', () => {
  it("silences what FreeSWITCH reads from the agent's channel, and undoes it", async () => {
    const t = await liveCall();
    await t.control.mute(callId);
    await t.control.mute(callId);
    await t.control.unmute(callId);
    const agent = t.agentEndpoint;
    expect(agent.commands.filter((c) => c.startsWith('api uuid_audio'))).toEqual([
      `api uuid_audio ${agent.uuid} start read mute 1`,
      `api uuid_audio ${agent.uuid} stop`,
    ]);
    // The caller's channel is left alone: the agent keeps hearing the customer.
    expect(t.callerEndpoint.commands.some((c) => c.includes('uuid_audio'))).toBe(false);
  });

  it("sends keys to the customer's channel, never the agent's", async () => {
    const t = await liveCall();
    await t.control.sendDtmf(callId, '*72#');
    expect(dtmfSent(t.callerEndpoint)).toEqual(['*72#']);
    expect(t.agentEndpoint.commands.some((c) => c.includes('uuid_send_dtmf'))).toBe(false);
  });

  it('reports unavailable when FreeSWITCH does not answer in time', async () => {
    const t = await liveCall();
    t.agentEndpoint.api = () => new Promise(() => undefined);
    const muting = t.control.mute(callId).catch((error: unknown) => error);
    await t.clock.advance(5_000);
    expect(await muting).toMatchObject({ code: 'unavailable' });
    expect(await t.control.controls(callId)).toEqual({ held: false, muted: false });
  });
});
