/**
 * Click-to-dial over the voice layer: the agent's phone rings, then the
 * customer is dialled through OutboundDialer, bridged and recorded as an
 * outbound call. Twins: drachtio-srf createUAC and fsmrf endpoints; time
 * is simulated. Also runs the ClickToDial contract the API's twin passes.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeClickToDialContract } from '../../api/agent-desk/click-to-dial-contract.ts';
import { SimulatedCallClock } from '../../ivr/simulated-call-clock.ts';
import { uuidGenerator } from '../../platform/id-generator.ts';
import { createLogger } from '../../platform/logger.ts';
import type { CallRecordItem } from '../call-record/call-record.ts';
import { MediaServerTwin } from '../freeswitch/media-server-twin.ts';
import { createTestRouting, type TestRouting } from '../../routing/test-routing.ts';
import type { AgentEngagements } from '../../api/agent-desk/agent-engagements.ts';
import { UacTwin } from '../sip/sip-uac-twin.ts';
import { OutboundDialer } from '../transfer/outbound-dialer.ts';
import { CallbackCall } from './callback-call.ts';
import { ClickToDialCall } from './click-to-dial-call.ts';
import { DeviceRinger } from './device-ringer.ts';

const alicePhone = 'sip:alice@198.51.100.7:5062';

const carrier = 'sip:{number}@carrier.example.net';

function rig(outboundUri: string | undefined, engagements?: AgentEngagements) {
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
    engagements,
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
    // The agent just clicked Call: a browser phone answers by itself.
    expect(agentPhone?.headers['X-Switchboard-Auto-Answer']).toBe('true');
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

describe('click-to-dial and routing (real Redis)', () => {
  let routing: TestRouting;
  afterEach(async () => {
    await routing.cleanup();
  });

  async function routedRig() {
    routing = createTestRouting();
    await routing.admin.configureQueue({ queueId: 'q', wrapUpSeconds: 0 });
    await routing.admin.configureAgent({
      agentId: 'alice',
      skills: {},
      queues: [{ queueId: 'q' }],
    });
    await routing.desk.logIn('alice');
    return rig(carrier, routing.desk);
  }

  it('engages the agent before the phone rings and releases them when the call ends', async () => {
    const t = await routedRig();
    const { callId } = await t.outbound.dial('alice', '+15557654321');
    expect((await routing.desk.status('alice')).contacts).toMatchObject([
      { contactId: callId, engagement: 'click-to-dial' },
    ]);
    // No queue caller reaches Alice mid-call.
    await routing.acd.enqueue({
      contactId: 'queued',
      channel: 'voice',
      queueId: 'q',
      requiredSkills: [],
      priority: 3,
    });
    expect((await routing.desk.status('alice')).offers).toEqual([]);
    const ringing = async (uri: string) =>
      vi.waitFor(
        async () => {
          await t.clock.advance(0);
          const invite = t.sip.ringing(uri)[0];
          if (invite === undefined) throw new Error(`${uri} is not ringing`);
          return invite;
        },
        { timeout: 5_000, interval: 10 },
      );
    (await ringing(alicePhone)).answer();
    const customer = (await ringing('sip:%2B15557654321@carrier.example.net')).answer();
    await vi.waitFor(
      async () => {
        await t.clock.advance(0);
        expect(t.calls().at(-1)?.bridgedAt).not.toBeNull();
      },
      { timeout: 5_000, interval: 10 },
    );
    customer.hangUpFromFarEnd();
    await vi.waitFor(
      async () => {
        await t.clock.advance(1_000);
        expect((await routing.desk.status('alice')).contacts).toEqual([]);
      },
      { timeout: 5_000, interval: 10 },
    );
    await t.outbound.settled();
    const after = await routing.desk.status('alice');
    expect(after.contacts).toEqual([]);
    expect(after.offers.map((offer) => offer.contactId)).toEqual(['queued']);
  });

  it('releases the agent when their phone rings out', async () => {
    const t = await routedRig();
    await t.outbound.dial('alice', '+15557654321');
    await t.clock.advance(30_000);
    await t.outbound.settled();
    expect((await routing.desk.status('alice')).state).toBe('available');
  });

  it("refuses with routing's conflict, ringing nothing, when the agent cannot be engaged", async () => {
    const t = await routedRig();
    await routing.desk.engage('alice', 'another-call', 'transfer');
    await expect(t.outbound.dial('alice', '+15557654321')).rejects.toMatchObject({
      code: 'conflict',
      details: { reason: 'engaged' },
    });
    expect(t.sip.invites).toEqual([]);
    // Not left half-dialling: once free, Alice may dial.
    await routing.desk.release('alice', 'another-call');
    await expect(t.outbound.dial('alice', '+15557654321')).resolves.toHaveProperty('callId');
    await t.clock.advance(30_000);
    await t.outbound.settled();
  });
});
