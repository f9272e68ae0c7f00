/**
 * Callback offers, second half: the answered agent's leg, then the customer
 * dialled through OutboundDialer, bridged and recorded. Twins: drachtio-srf
 * createUAC and fsmrf endpoints; time is simulated.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedCallClock } from '../../ivr/simulated-call-clock.ts';
import { SequentialIdGenerator } from '../../platform/id-generator.ts';
import { createLogger } from '../../platform/logger.ts';
import type { CallRecordItem } from '../call-record/call-record.ts';
import { connectedLeg } from '../freeswitch/connected-leg.ts';
import { DialogTwin, MediaServerTwin, type EndpointTwin } from '../freeswitch/media-server-twin.ts';
import { UacTwin } from '../sip/sip-uac-twin.ts';
import { LiveCalls } from '../live-call/live-calls.ts';
import { MediaLiveCallControl } from '../live-call/media-live-call-control.ts';
import type { SwitchboardError } from '../../platform/switchboard-error.ts';
import { supervisionNotice, type SupervisionChange } from '../supervision/supervision-notice.ts';
import { OutboundDialer } from '../transfer/outbound-dialer.ts';
import { CallbackCall } from './callback-call.ts';
import { DeviceRinger } from './device-ringer.ts';

async function rig() {
  const clock = new SimulatedCallClock(1_700_000_000_000);
  const logger = createLogger({ level: 'silent' });
  const server = new MediaServerTwin(clock);
  const sip = new UacTwin();
  const items: CallRecordItem[] = [];
  const calls = new LiveCalls();
  const ringer = new DeviceRinger({ sip, mediaServer: () => server, clock, logger });
  const dialer = new OutboundDialer({
    ringer,
    numberUri: 'sip:{number}@carrier.example.net',
  });
  const callbacks = new CallbackCall({
    dialer,
    calls,
    records: { write: (item) => items.push(item) },
    callerNumber: '+15550100000',
    ringTimeoutMs: 30_000,
    clock,
    ids: new SequentialIdGenerator('cb'),
    logger,
  });
  const agentEndpoint = (await server.createEndpoint()) as EndpointTwin;
  const agentDialog = new DialogTwin('agent');
  const agentLeg = connectedLeg(agentDialog, agentEndpoint);
  const connecting = callbacks.connect({
    contactId: 'call-7',
    agentId: 'alice',
    queueId: 'support',
    number: '+15557654321',
    agentLeg,
  });
  await clock.advance(0);
  const ended = () =>
    items.flatMap((item) =>
      item.kind === 'call' && item.call.endedAt !== null ? [item.call.disposition] : [],
    );
  const changes: SupervisionChange[] = [];
  const control = new MediaLiveCallControl({
    calls,
    devices: { bindings: () => Promise.resolve([{ contact: 'sip:sam@198.51.100.9' }]) },
    ringer,
    dialer,
    records: { write: (item) => items.push(item) },
    notice: supervisionNotice(
      [
        (change) => {
          changes.push(change);
          return Promise.resolve();
        },
      ],
      logger,
    ),
    clock,
    logger,
  });
  const callId = () => {
    const first = items.find((item) => item.kind === 'call');
    return first?.kind === 'call' ? first.call.id : '';
  };
  return {
    clock,
    server,
    sip,
    items,
    agentEndpoint,
    agentDialog,
    connecting,
    ended,
    calls,
    control,
    changes,
    callId,
  };
}

describe('callback calls', () => {
  it('dials the customer after the agent and bridges them until one hangs up', async () => {
    const t = await rig();
    const invite = t.sip.ringing()[0];
    expect(invite?.uri).toBe('sip:%2B15557654321@carrier.example.net');
    expect(invite?.headers.From).toBe('<sip:+15550100000@localhost>');
    const customer = invite?.answer();
    await t.clock.advance(0);
    const customerEndpoint = t.server.endpoints[1];
    expect(customerEndpoint?.bridgedWith).toBe(t.agentEndpoint.uuid);
    customer?.hangUpFromFarEnd();
    await t.connecting;
    expect(t.agentDialog.destroyed).toBe(true);
    expect(t.ended()).toEqual(['completed']);
    expect(t.server.currentSessions).toBe(0);
  });

  it('records no-answer and releases the agent when the customer does not pick up', async () => {
    const t = await rig();
    await t.clock.advance(30_000);
    await t.connecting;
    expect(t.sip.invites[0]?.state).toBe('cancelled');
    expect(t.agentDialog.destroyed).toBe(true);
    expect(t.ended()).toEqual(['no-answer']);
  });

  it('maps a busy customer to busy', async () => {
    const t = await rig();
    t.sip.ringing()[0]?.reject(486);
    await t.connecting;
    expect(t.ended()).toEqual(['busy']);
  });

  it('cancels the dial when the agent hangs up while the customer rings', async () => {
    const t = await rig();
    t.agentDialog.hangUpFromFarEnd();
    await t.connecting;
    expect(t.sip.invites[0]?.state).toBe('cancelled');
    expect(t.server.currentSessions).toBe(0);
  });

  it('can be supervised once bridged: listen, then whisper and barge, on the agent channel', async () => {
    const t = await rig();
    const customer = t.sip.ringing()[0]?.answer();
    await t.clock.advance(0);
    const callId = t.callId();
    expect(t.items.find((item) => item.kind === 'call')).toMatchObject({
      call: { direction: 'callback', agentId: 'alice', queueId: 'support' },
    });
    const joining = t.control.supervise({
      callId,
      supervisorId: 'sam',
      supervisorName: 'Sam Lee',
      mode: 'listen',
    });
    await t.clock.advance(0);
    const supervisorPhone = t.sip.ringing('sip:sam@198.51.100.9')[0];
    const supervisorDialog = supervisorPhone?.answer();
    await t.clock.advance(0);
    await joining;
    const supervisorEndpoint = t.server.endpoints.at(-1) as EndpointTwin;
    expect(supervisorEndpoint.commands).toContain(`execute eavesdrop ${t.agentEndpoint.uuid}`);
    await t.control.supervise({
      callId,
      supervisorId: 'sam',
      supervisorName: 'Sam Lee',
      mode: 'whisper',
    });
    await t.control.supervise({
      callId,
      supervisorId: 'sam',
      supervisorName: 'Sam Lee',
      mode: 'barge',
    });
    expect(supervisorEndpoint.commands).toContain(
      `api uuid_recv_dtmf ${supervisorEndpoint.uuid} 2`,
    );
    expect(supervisorEndpoint.commands).toContain(
      `api uuid_recv_dtmf ${supervisorEndpoint.uuid} 3`,
    );
    expect(t.changes.map((c) => `${c.type}:${c.mode}:${c.agentId}`)).toEqual([
      'supervision.joined:listen:alice',
      'supervision.mode-changed:whisper:alice',
      'supervision.mode-changed:barge:alice',
    ]);
    // A callback call is not transferred.
    const transfer = await t.control
      .transfer({ callId, requestedBy: 'alice', target: { kind: 'number', number: '+15550' } })
      .catch((e: unknown) => e);
    expect((transfer as SwitchboardError).code).toBe('conflict');

    customer?.hangUpFromFarEnd();
    await t.connecting;
    await t.clock.advance(0);
    expect(supervisorDialog?.destroyed).toBe(true);
    expect(t.calls.connected(callId)).toBeUndefined();
    expect(t.server.currentSessions).toBe(0);
  });

  it('is not supervisable before the customer answers', async () => {
    const t = await rig();
    const error = await t.control
      .supervise({ callId: 'cb-1', supervisorId: 'sam', supervisorName: 'Sam Lee', mode: 'listen' })
      .catch((e: unknown) => e);
    expect((error as SwitchboardError).code).toBe('conflict');
  });

  it("holds and mutes on the server, and sends keys to the customer's channel", async () => {
    const t = await rig();
    t.sip.ringing()[0]?.answer();
    await t.clock.advance(0);
    const customer = t.server.endpoints[1]!;
    expect(await t.control.hold(t.callId())).toEqual({ held: true, muted: false });
    expect(customer.commands).toContain('play local_stream://default');
    expect(customer.bridgedWith).toBeUndefined();
    expect(await t.control.mute(t.callId())).toEqual({ held: true, muted: true });
    expect(t.agentEndpoint.commands).toContain(
      `api uuid_audio ${t.agentEndpoint.uuid} start read mute 1`,
    );
    expect(await t.control.resume(t.callId())).toEqual({ held: false, muted: true });
    expect(customer.bridgedWith).toBe(t.agentEndpoint.uuid);
    await t.control.sendDtmf(t.callId(), '9#');
    expect(customer.commands).toContain(`api uuid_send_dtmf ${customer.uuid} 9#`);
  });
});
