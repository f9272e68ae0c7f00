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
import { OutboundDialer } from '../transfer/outbound-dialer.ts';
import { CallbackCall } from './callback-call.ts';
import { DeviceRinger } from './device-ringer.ts';

async function rig() {
  const clock = new SimulatedCallClock(1_700_000_000_000);
  const logger = createLogger({ level: 'silent' });
  const server = new MediaServerTwin(clock);
  const sip = new UacTwin();
  const items: CallRecordItem[] = [];
  const dialer = new OutboundDialer({
    ringer: new DeviceRinger({ sip, mediaServer: () => server, clock, logger }),
    numberUri: 'sip:{number}@carrier.example.net',
  });
  const callbacks = new CallbackCall({
    dialer,
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
  return { clock, server, sip, items, agentEndpoint, agentDialog, connecting, ended };
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
});
