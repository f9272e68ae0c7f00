/**
 * Click-to-dial over the voice layer: the agent's phone rings, then the
 * customer is dialled through OutboundDialer, bridged and recorded as an
 * outbound call. Twins: drachtio-srf createUAC and fsmrf endpoints; time
 * is simulated. Also runs the ClickToDial contract the API's twin passes.
 */
import { describe, expect, it } from 'vitest';
import { describeClickToDialContract } from '../../api/agent-desk/click-to-dial-contract.ts';
import { SimulatedCallClock } from '../../ivr/simulated-call-clock.ts';
import { uuidGenerator } from '../../platform/id-generator.ts';
import { createLogger } from '../../platform/logger.ts';
import type { CallRecordItem } from '../call-record/call-record.ts';
import { MediaServerTwin } from '../freeswitch/media-server-twin.ts';
import { UacTwin } from '../sip/sip-uac-twin.ts';
import { OutboundDialer } from '../transfer/outbound-dialer.ts';
import { CallbackCall } from './callback-call.ts';
import { ClickToDialCall } from './click-to-dial-call.ts';
import { DeviceRinger } from './device-ringer.ts';

const alicePhone = 'sip:alice@198.51.100.7:5062';

const carrier = 'sip:{number}@carrier.example.net';

function rig(outboundUri: string | undefined) {
  const clock = new SimulatedCallClock(1_700_000_000_000);
  const logger = createLogger({ level: 'silent' });
  const server = new MediaServerTwin(clock);
  const sip = new UacTwin();
  const items: CallRecordItem[] = [];
  const records = { write: (item: CallRecordItem) => void items.push(item) };
  const ringer = new DeviceRinger({ sip, mediaServer: () => server, clock, logger });
  const dialer = new OutboundDialer({ ringer, numberUri: outboundUri ?? '' });
  const customer = new CallbackCall({
    dialer,
    records,
    callerNumber: '+15550100000',
    clock,
    ids: uuidGenerator,
    logger,
  });
  const outbound = new ClickToDialCall({
    devices: {
      bindings: (userId) => Promise.resolve(userId === 'alice' ? [{ contact: alicePhone }] : []),
    },
    ringer,
    customer,
    records,
    outboundUri,
    callerNumber: '+15550100000',
    ringTimeoutMs: 30_000,
    clock,
    ids: uuidGenerator,
    logger,
  });
  const calls = () => items.flatMap((item) => (item.kind === 'call' ? [item.call] : []));
  const legs = () => items.flatMap((item) => (item.kind === 'leg' ? [item.leg] : []));
  return { clock, server, sip, outbound, calls, legs };
}

describeClickToDialContract('voice layer (drachtio and FreeSWITCH twins)', {
  ready: () => fixture(rig(carrier)),
  withoutOutboundUri: () => fixture(rig(undefined)),
});

function fixture(t: ReturnType<typeof rig>) {
  return Promise.resolve({
    dialer: t.outbound,
    agentWithPhone: 'alice',
    agentWithoutPhone: 'bob',
    async close() {
      // Nobody answers: the agent's phone rings out and the call ends.
      await t.clock.advance(30_000);
      await t.outbound.settled();
    },
  });
}

describe('click-to-dial calls', () => {
  it("ring the agent's phone showing the number, then dial and bridge the customer, recorded as outbound", async () => {
    const t = rig(carrier);
    const { callId } = await t.outbound.dial('alice', '+15557654321');
    await t.clock.advance(0);
    const agentPhone = t.sip.ringing(alicePhone)[0];
    expect(agentPhone?.headers.From).toBe('"+15557654321" <sip:+15557654321@localhost>');
    // The call row exists from the first ring, under the id the API answered with.
    expect(t.calls()[0]).toMatchObject({
      id: callId,
      direction: 'outbound',
      fromNumber: '+15550100000',
      toNumber: '+15557654321',
      agentId: 'alice',
    });
    agentPhone?.answer();
    await t.clock.advance(0);
    const customerInvite = t.sip.ringing('sip:%2B15557654321@carrier.example.net')[0];
    expect(customerInvite).toBeDefined();
    const customer = customerInvite?.answer();
    await t.clock.advance(0);
    expect(t.server.endpoints[1]?.bridgedWith).toBe(t.server.endpoints[0]?.uuid);
    expect(t.calls().at(-1)?.bridgedAt).not.toBeNull();
    customer?.hangUpFromFarEnd();
    await t.outbound.settled();
    expect(t.calls().at(-1)).toMatchObject({ id: callId, disposition: 'completed' });
    expect(new Set(t.legs().map((leg) => leg.role))).toEqual(
      new Set(['outbound-customer', 'agent']),
    );
    expect(t.server.currentSessions).toBe(0);
    // The agent may dial again once the call is over.
    await expect(t.outbound.dial('alice', '+15557654321')).resolves.toHaveProperty('callId');
  });

  it("end the call as no-answer, without dialling the customer, when the agent's phone rings out", async () => {
    const t = rig(carrier);
    const { callId } = await t.outbound.dial('alice', '+15557654321');
    await t.clock.advance(30_000);
    await t.outbound.settled();
    expect(t.sip.invites.map((invite) => invite.uri)).toEqual([alicePhone]);
    expect(t.calls().at(-1)).toMatchObject({
      id: callId,
      hangupCause: 'agentNoAnswer',
      disposition: 'no-answer',
    });
    expect(t.legs().findLast((leg) => leg.role === 'agent')?.hangupCause).toBe('noAnswer');
  });
});
