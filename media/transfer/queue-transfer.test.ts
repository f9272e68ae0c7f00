/**
 * Blind transfer of a connected call to a queue, from the API's live-call
 * control. Real: Redis (routing's ACD scripts, event stream, registrations,
 * OfferRinger following the stream). Twins: drachtio-srf createUAC and
 * dialogs, fsmrf endpoints (media/sip/sip-uac-twin.ts,
 * media/freeswitch/media-server-twin.ts). Time is simulated.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import { connectedLeg } from '../freeswitch/connected-leg.ts';
import { FreeSwitchCallSession } from '../freeswitch/free-switch-call-session.ts';
import { DialogTwin, type EndpointTwin } from '../freeswitch/media-server-twin.ts';
import { LiveCalls } from '../live-call/live-calls.ts';
import { MediaLiveCallControl } from '../live-call/media-live-call-control.ts';
import { OfferRinger } from '../offer/offer-ringer.ts';
import { createOfferRig, rigPrompts, type OfferRig } from '../offer/test-offer-rig.ts';
import { supervisionNotice } from '../supervision/supervision-notice.ts';
import { OutboundDialer } from './outbound-dialer.ts';
import { QueueTransfer } from './queue-transfer.ts';

const callId = 'call-transfer-1';
let rig: OfferRig;
let offers: OfferRinger;

beforeEach(async () => {
  rig = createOfferRig();
  offers = new OfferRinger({
    feed: rig.routing.feed,
    desk: rig.routing.desk,
    ringTimedOut: (offerId) =>
      rig.routing.deadlines.fire({ kind: 'ring', id: offerId, dueAt: rig.clock.now() }),
    devices: rig.registrations,
    ringer: rig.ringer,
    records: rig.records,
    legs: rig.legs,
    callbacks: { connect: () => Promise.resolve() },
    prompts: rigPrompts,
    clock: rig.clock,
    logger: rig.logger,
  });
  offers.start();
  await rig.routing.feed.ready();
  await rig.routing.admin.configureQueue({
    queueId: 'support',
    ringTimeoutSeconds: 20,
    wrapUpSeconds: 30,
  });
  await rig.routing.admin.configureQueue({ queueId: 'sales', ringTimeoutSeconds: 20 });
});

afterEach(async () => {
  await offers.close();
  await rig.cleanup();
});

/** A caller queued in support, answered by alice's phone and bridged, as the flow's `enqueue` does. */
async function callWithAlice() {
  await rig.agent('alice', ['sip:alice@198.51.100.7'], 'support');
  const callerDialog = new DialogTwin('caller');
  const callerEndpoint = (await rig.server.createEndpoint({ remoteSdp: 'v=0' })) as EndpointTwin;
  const calls = new LiveCalls();
  const dialer = new OutboundDialer({ ringer: rig.ringer, numberUri: 'sip:{number}@carrier' });
  const session = calls.track(
    new FreeSwitchCallSession({
      callId,
      callerNumber: '+15550001111',
      dialedNumber: '+15550002222',
      caller: connectedLeg(callerDialog, callerEndpoint),
      clock: rig.clock,
      logger: rig.logger,
      prompts: rigPrompts,
      recordingsDir: '/r',
      agentLegs: rig.legs,
      dialer,
    }),
  );
  const acceptedBy: string[] = [];
  rig.routing.acd.watch(callId, (update) => {
    if (update.kind === 'accepted') acceptedBy.push(update.agentId);
  });
  await rig.routing.acd.enqueue({
    contactId: callId,
    channel: 'voice',
    queueId: 'support',
    requiredSkills: [],
    priority: 3,
    callerNumber: '+15550001111',
  });
  await rig.until(() => expect(rig.sip.ringing('sip:alice@198.51.100.7')).toHaveLength(1));
  const alicePhone = rig.sip.ringing('sip:alice@198.51.100.7')[0];
  alicePhone?.answer();
  await rig.clock.advance(2_000); // the whisper
  await rig.until(() => expect(acceptedBy).toEqual(['alice']));
  await rig.until(() => expect(rig.legs.size).toBe(1));
  const bridged = session.bridge({ kind: 'agent', agentId: 'alice' });
  await rig.until(() => expect(session.bridgedPeer?.agentId).toBe('alice'));
  const control = new MediaLiveCallControl({
    calls,
    devices: { bindings: () => Promise.resolve([]) },
    ringer: rig.ringer,
    dialer,
    records: rig.records,
    notice: supervisionNotice([], rig.logger),
    queues: new QueueTransfer({
      acd: rig.routing.acd,
      desk: rig.routing.desk,
      logger: rig.logger,
    }),
    clock: rig.clock,
    logger: rig.logger,
  });
  return { session, bridged, control, callerEndpoint, callerDialog, alicePhone };
}

describe('transfer of a connected call to a queue', () => {
  it('releases the agent into wrap-up, holds the caller with music, and offers them to the next agent', async () => {
    const t = await callWithAlice();
    await rig.agent('bob', ['sip:bob@198.51.100.8'], 'sales');

    await t.control.transfer({
      callId,
      requestedBy: 'alice',
      target: { kind: 'queue', queueId: 'sales' },
    });

    expect(t.alicePhone?.dialog?.destroyed).toBe(true);
    const alice = await rig.routing.desk.status('alice');
    expect(alice.state).toBe('wrap-up');
    expect(t.callerEndpoint.commands).toContain('play local_stream://moh/default');
    expect(t.session.bridgedPeer).toBeUndefined();
    const types = await rig.eventTypes();
    expect(types.filter((type) => type === 'contact.completed')).toHaveLength(1);
    expect(types.filter((type) => type === 'contact.enqueued')).toHaveLength(2);

    await rig.until(() => expect(rig.sip.ringing('sip:bob@198.51.100.8')).toHaveLength(1));
    const bobPhone = rig.sip.ringing('sip:bob@198.51.100.8')[0];
    expect(bobPhone?.headers['X-Switchboard-Queue']).toBe('sales');
    bobPhone?.answer();
    await rig.clock.advance(2_000);
    await rig.until(async () => expect(await rig.eventTypes()).toContain('contact.accepted'));
    await rig.until(() => expect(t.session.bridgedPeer?.agentId).toBe('bob'));
    const bobEndpoint = t.session.bridgedPeer?.leg.endpoint;
    expect(t.callerEndpoint.bridgedWith).toBe(bobEndpoint?.uuid);
    // The music stopped before the bridge.
    expect(t.callerEndpoint.commands).toContain(`api uuid_break ${t.callerEndpoint.uuid}`);

    // The flow's pending bridge is still the same one; it ends when bob hangs up.
    bobPhone?.dialog?.hangUpFromFarEnd();
    expect(await t.bridged).toMatchObject({ outcome: 'completed' });
    await rig.until(async () =>
      expect((await rig.eventTypes()).filter((type) => type === 'contact.completed')).toHaveLength(
        2,
      ),
    );
  });

  it('cancels the queued contact when the caller hangs up while waiting', async () => {
    const t = await callWithAlice();
    await t.control.transfer({
      callId,
      requestedBy: 'alice',
      target: { kind: 'queue', queueId: 'sales' },
    });
    t.callerDialog.hangUpFromFarEnd();
    await expect(t.bridged).rejects.toThrow('the call has ended');
    await rig.until(async () => expect(await rig.eventTypes()).toContain('contact.cancelled'));
    expect(await rig.routing.acd.position(callId)).toBeNull();
  });

  it('refuses an unknown queue with not_found and keeps the agent on the line', async () => {
    const t = await callWithAlice();
    const error = await t.control
      .transfer({ callId, requestedBy: 'alice', target: { kind: 'queue', queueId: 'nowhere' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchboardError);
    expect((error as SwitchboardError).code).toBe('not_found');
    expect(t.alicePhone?.dialog?.destroyed).toBe(false);
    expect(t.session.bridgedPeer?.agentId).toBe('alice');
  });

  it('refuses a call that is not connected to anyone', async () => {
    const t = await callWithAlice();
    t.alicePhone?.dialog?.hangUpFromFarEnd();
    await t.bridged;
    const error = await t.control
      .transfer({ callId, requestedBy: 'alice', target: { kind: 'queue', queueId: 'sales' } })
      .catch((e: unknown) => e);
    expect((error as SwitchboardError).code).toBe('conflict');
  });
});
