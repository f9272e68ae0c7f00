/**
 * Offers from the real Redis ACD (routing/) ring agents' registered phones.
 * Real: Redis (ACD scripts, event stream, registrations). Twins: drachtio-srf
 * createUAC and the fsmrf endpoints (media/sip/sip-uac-twin.ts,
 * media/freeswitch/media-server-twin.ts). Time is simulated.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallLegSnapshot } from '../call-record/call-record.ts';
import { OfferRinger, type CallbackConnector } from './offer-ringer.ts';
import { createOfferRig, rigPrompts, type OfferRig } from './test-offer-rig.ts';

let rig: OfferRig;
let offers: OfferRinger;
const callbacks: Parameters<CallbackConnector['connect']>[0][] = [];

beforeEach(async () => {
  rig = createOfferRig();
  callbacks.length = 0;
  offers = new OfferRinger({
    feed: rig.routing.feed,
    desk: rig.routing.desk,
    ringTimedOut: (offerId) =>
      rig.routing.deadlines.fire({ kind: 'ring', id: offerId, dueAt: rig.clock.now() }),
    devices: rig.registrations,
    ringer: rig.ringer,
    records: rig.records,
    legs: rig.legs,
    callbacks: {
      connect: (callback) => {
        callbacks.push(callback);
        return Promise.resolve();
      },
    },
    prompts: rigPrompts,
    clock: rig.clock,
    logger: rig.logger,
  });
  offers.start();
  await rig.routing.feed.ready();
  await rig.routing.admin.configureQueue({ queueId: 'support', ringTimeoutSeconds: 20 });
});

afterEach(async () => {
  await offers.close();
  await rig.cleanup();
});

const contact = (contactId: string) => ({
  contactId,
  channel: 'voice' as const,
  queueId: 'support',
  requiredSkills: [],
  priority: 3,
  callerNumber: '+15550001111',
});

describe('voice offers', () => {
  it('rings every device, whispers to the one that answers, accepts and parks the leg', async () => {
    await rig.agent('alice', ['sip:alice@198.51.100.7:5062', 'sip:alice@198.51.100.8:5060']);
    await rig.routing.acd.enqueue(contact('call-1'));
    await rig.until(() => expect(rig.sip.ringing()).toHaveLength(2));
    const [desk, mobile] = rig.sip.ringing();
    expect(desk?.headers['X-Switchboard-Queue']).toBe('support');
    expect(desk?.headers.From).toContain('+15550001111');

    mobile?.answer();
    await rig.until(() => expect(desk?.state).toBe('cancelled'));
    const agentEndpoint = rig.endpoints()[0];
    await rig.until(() =>
      expect(agentEndpoint?.commands).toContain(
        'execute speak flite|kal|support call from 1 5 5 5 0 0 0 1 1 1 1',
      ),
    );
    expect(agentEndpoint?.commands).toContain('modify');
    await rig.clock.advance(1000); // the whisper plays
    await rig.until(async () => expect(await rig.eventTypes()).toContain('contact.accepted'));
    await rig.until(() => expect(rig.legs.size).toBe(1));
    const leg = await rig.legs.take('call-1', 'alice');
    expect(leg?.endpoint.uuid).toBe(agentEndpoint?.uuid);

    mobile?.dialog?.hangUpFromFarEnd();
    await rig.until(async () => expect(await rig.eventTypes()).toContain('contact.completed'));
    expect(rig.server.currentSessions).toBe(0);
  });

  it('rejects the offer when the phone declines, so the contact moves on', async () => {
    await rig.agent('alice', ['sip:alice@198.51.100.7']);
    await rig.routing.acd.enqueue(contact('call-2'));
    await rig.until(() => expect(rig.sip.ringing()).toHaveLength(1));
    rig.sip.ringing()[0]?.reject(603);
    await rig.until(async () => expect(await rig.eventTypes()).toContain('offer.rejected'));
    expect(rig.server.currentSessions).toBeLessThanOrEqual(1);
    expect((await rig.routing.desk.status('alice')).consecutiveMisses).toBe(0);
  });

  it('reports the ring timeout when nobody answers before the offer expires', async () => {
    await rig.agent('alice', ['sip:alice@198.51.100.7']);
    await rig.routing.acd.enqueue(contact('call-3'));
    await rig.until(() => expect(rig.sip.ringing()).toHaveLength(1));
    const invite = rig.sip.ringing()[0];
    await rig.clock.advance(20_000);
    await rig.until(async () => expect(await rig.eventTypes()).toContain('offer.timed-out'));
    expect(invite?.state).toBe('cancelled');
    expect((await rig.routing.desk.status('alice')).consecutiveMisses).toBe(1);
    expect(rig.endpoints()[0]?.destroyed).toBe(true);
  });

  it('passes an agent with no registered phone over without counting a miss', async () => {
    await rig.agent('bob', []);
    await rig.routing.acd.enqueue(contact('call-4'));
    await rig.until(async () => expect(await rig.eventTypes()).toContain('offer.unreachable'));
    expect(rig.sip.invites).toHaveLength(0);
    const bob = await rig.routing.desk.status('bob');
    expect([bob.consecutiveMisses, bob.voiceBackoffUntil]).toEqual([0, rig.clock.now() + 30_000]);
    expect(await rig.eventTypes()).not.toContain('offer.timed-out');
  });

  it('passes the offer on, backing the agent off, when FreeSWITCH cannot set the ring up', async () => {
    await rig.agent('carol', ['sip:carol@198.51.100.7']);
    rig.server.failCreate = new Error('FreeSWITCH is out of channels');
    await rig.routing.acd.enqueue(contact('call-fs'));
    await rig.until(async () => expect(await rig.eventTypes()).toContain('offer.unreachable'));
    const carol = await rig.routing.desk.status('carol');
    // Not a miss, and not offered again at once (that failed the same way, in a loop).
    expect([carol.consecutiveMisses, carol.voiceBackoffUntil]).toEqual([
      0,
      rig.clock.now() + 30_000,
    ]);
    expect(await rig.eventTypes()).not.toContain('offer.rejected');
    rig.server.failCreate = undefined;
  });

  it('cancels the ringing phone when the caller abandons in queue', async () => {
    await rig.agent('alice', ['sip:alice@198.51.100.7']);
    await rig.routing.acd.enqueue(contact('call-5'));
    await rig.until(() => expect(rig.sip.ringing()).toHaveLength(1));
    const invite = rig.sip.ringing()[0];
    await rig.routing.acd.cancel('call-5', 'abandoned');
    await rig.until(() => expect(invite?.state).toBe('cancelled'));
    await rig.until(() => expect(offers.ringingCount).toBe(0));
    expect(rig.server.currentSessions).toBe(0);
    expect(rig.legs.size).toBe(0);
  });

  it('hangs up an answering phone whose offer was withdrawn during the whisper', async () => {
    await rig.agent('alice', ['sip:alice@198.51.100.7']);
    await rig.routing.acd.enqueue(contact('call-6'));
    await rig.until(() => expect(rig.sip.ringing()).toHaveLength(1));
    const dialog = rig.sip.ringing()[0]?.answer();
    await rig.until(() => expect(rig.endpoints()[0]?.commands.join()).toContain('speak'));
    await rig.routing.acd.cancel('call-6', 'abandoned');
    await rig.until(() => expect(dialog?.destroyed).toBe(true));
    expect(await rig.eventTypes()).not.toContain('contact.accepted');
    expect(rig.server.currentSessions).toBe(0);
  });
});

describe('a phone gone without unregistering', () => {
  it('answers 503: its binding is forgotten, the next agent is rung at once, no miss, no re-offer', async () => {
    await rig.agent('alice', ['sip:alice@198.51.100.7:5062']);
    await rig.agent('bob', ['sip:bob@198.51.100.8']);
    await rig.routing.acd.enqueue(contact('call-8'));
    await rig.until(() => expect(rig.sip.ringing('sip:alice@198.51.100.7:5062')).toHaveLength(1));
    rig.sip.ringing()[0]?.reject(503);

    await rig.until(() => expect(rig.sip.ringing('sip:bob@198.51.100.8')).toHaveLength(1));
    expect(await rig.registrations.bindings('alice')).toEqual([]);
    const alice = await rig.routing.desk.status('alice');
    expect([alice.consecutiveMisses, alice.state]).toEqual([0, 'available']);
    expect(alice.voiceBackoffUntil).toBeGreaterThan(rig.clock.now());
    // Bob declines: the caller waits rather than going back to Alice's dead phone.
    rig.sip.ringing('sip:bob@198.51.100.8')[0]?.reject(603);
    await rig.until(async () => expect(await rig.eventTypes()).toContain('offer.rejected'));
    await rig.until(() => expect(rig.sip.ringing('sip:bob@198.51.100.8')).toHaveLength(1));
    expect(rig.sip.invites.filter((invite) => invite.uri.includes('alice'))).toHaveLength(1);
    expect(await rig.eventTypes()).not.toContain('offer.timed-out');
  });

  it("answers 503 while the agent's other phone answers: the call is connected there", async () => {
    await rig.agent('alice', ['sip:alice@198.51.100.7:5062', 'sip:alice@198.51.100.9']);
    await rig.routing.acd.enqueue(contact('call-9'));
    await rig.until(() => expect(rig.sip.ringing()).toHaveLength(2));
    rig.sip.ringing('sip:alice@198.51.100.7:5062')[0]?.reject(503);
    rig.sip.ringing('sip:alice@198.51.100.9')[0]?.answer();
    await rig.until(() => expect(rig.endpoints()[0]?.commands.join()).toContain('speak'));
    await rig.clock.advance(1000); // the whisper plays
    await rig.until(async () => expect(await rig.eventTypes()).toContain('contact.accepted'));
    expect((await rig.registrations.bindings('alice')).map((b) => b.contact)).toEqual([
      'sip:alice@198.51.100.9',
    ]);
  });

  it('times out beside a phone that rang: a miss, and only the dead binding is forgotten', async () => {
    await rig.agent('alice', ['sip:alice@198.51.100.7:5062', 'sip:alice@198.51.100.9']);
    await rig.routing.acd.enqueue(contact('call-10'));
    await rig.until(() => expect(rig.sip.ringing()).toHaveLength(2));
    rig.sip.ringing('sip:alice@198.51.100.7:5062')[0]?.reject(408);
    await rig.clock.advance(20_000);
    await rig.until(async () => expect(await rig.eventTypes()).toContain('offer.timed-out'));
    expect((await rig.routing.desk.status('alice')).consecutiveMisses).toBe(1);
    expect((await rig.registrations.bindings('alice')).map((b) => b.contact)).toEqual([
      'sip:alice@198.51.100.9',
    ]);
  });

  it('keeps a binding the phone refreshed while its INVITE was failing', async () => {
    await rig.agent('alice', ['sip:alice@198.51.100.7:5062']);
    await rig.routing.acd.enqueue(contact('call-11'));
    await rig.until(() => expect(rig.sip.ringing()).toHaveLength(1));
    const [stale] = await rig.registrations.bindings('alice');
    const refreshed = { ...stale!, cseq: stale!.cseq + 1, expiresAt: stale!.expiresAt + 60_000 };
    await rig.registrations.save('alice', [refreshed]);
    rig.sip.ringing()[0]?.reject(503);
    await rig.until(async () => expect(await rig.eventTypes()).toContain('offer.unreachable'));
    expect(await rig.registrations.bindings('alice')).toEqual([refreshed]);
  });
});

describe('call records of offers', () => {
  const callId = '22222222-2222-4222-8222-222222222222';

  /** Each leg as last written, in the order the legs were first written. */
  function legs(): CallLegSnapshot[] {
    const latest = new Map<string, CallLegSnapshot>();
    for (const item of rig.records.written)
      if (item.kind === 'leg') latest.set(item.leg.id, item.leg);
    return [...latest.values()];
  }

  function offeredTimes(): number[] {
    return rig.records.written.flatMap((item) =>
      item.kind === 'offered' && item.offered.callId === callId
        ? [item.offered.offeredAt.getTime()]
        : [],
    );
  }

  it('writes each offer and a leg per agent rung: one rang out, the next answered and hung up', async () => {
    await rig.agent('alice', ['sip:alice@198.51.100.7:5062']);
    await rig.agent('bob', ['sip:bob@198.51.100.8']);
    const offeredAt = rig.clock.now();
    await rig.routing.acd.enqueue(contact(callId));
    await rig.until(() => expect(rig.sip.ringing('sip:alice@198.51.100.7:5062')).toHaveLength(1));
    await rig.clock.advance(20_000);
    await rig.until(() => expect(rig.sip.ringing('sip:bob@198.51.100.8')).toHaveLength(1));
    const dialog = rig.sip.ringing()[0]?.answer();
    await rig.until(() => expect(rig.endpoints()[1]?.commands.join()).toContain('speak'));
    await rig.clock.advance(1000); // the whisper plays
    await rig.until(async () => expect(await rig.eventTypes()).toContain('contact.accepted'));
    await rig.until(() => expect(rig.legs.size).toBe(1));
    await rig.legs.take(callId, 'bob'); // as the caller's bridge does
    await rig.clock.advance(60_000);
    dialog?.hangUpFromFarEnd();
    await rig.until(async () => expect(await rig.eventTypes()).toContain('contact.completed'));

    expect(offeredTimes()).toEqual([offeredAt, offeredAt + 20_000]);
    expect(
      rig.records.written.flatMap((item) => (item.kind === 'event' ? [item.event.type] : [])),
    ).toEqual(['call.offered', 'call.offered']);
    const [alice, bob] = legs();
    expect(alice).toMatchObject({
      callId,
      role: 'agent',
      userId: 'alice',
      sipUri: 'sip:alice@198.51.100.7:5062',
      startedAt: new Date(offeredAt),
      answeredAt: null,
      endedAt: new Date(offeredAt + 20_000),
      hangupCause: 'noAnswer',
      sipStatus: 487,
    });
    expect(bob).toMatchObject({
      userId: 'bob',
      sipUri: 'sip:bob@198.51.100.8',
      sipCallId: dialog?.sip.callId,
      mediaUuid: rig.endpoints()[1]?.uuid,
      startedAt: new Date(offeredAt + 20_000),
      answeredAt: new Date(offeredAt + 20_000),
      endedAt: new Date(offeredAt + 81_000),
      hangupCause: 'normal',
      sipStatus: 200,
    });
    expect(alice?.id).not.toBe(bob?.id);
  });

  it('writes an unreachable leg for a phone that answers 503, and a cancelled one when the caller leaves', async () => {
    await rig.agent('alice', ['sip:alice@198.51.100.7:5062']);
    await rig.agent('bob', ['sip:bob@198.51.100.8']);
    await rig.routing.acd.enqueue(contact(callId));
    await rig.until(() => expect(rig.sip.ringing('sip:alice@198.51.100.7:5062')).toHaveLength(1));
    rig.sip.ringing()[0]?.reject(503);
    await rig.until(() => expect(rig.sip.ringing('sip:bob@198.51.100.8')).toHaveLength(1));
    await rig.routing.acd.cancel(callId, 'abandoned');
    await rig.until(() => expect(offers.ringingCount).toBe(0));

    expect(legs().map((leg) => [leg.userId, leg.hangupCause, leg.sipStatus])).toEqual([
      ['alice', 'unreachable', 503],
      ['bob', 'cancelled', 487],
    ]);
    expect(offeredTimes()).toHaveLength(2);
  });
});

describe('callback offers', () => {
  it('calls the agent first, whispers the number, then hands over to the callback connector', async () => {
    await rig.routing.acd.enqueue(contact('call-7'));
    await rig.routing.acd.requestCallback('call-7', '+15557654321');
    await rig.agent('alice', ['sip:alice@198.51.100.7']);
    await rig.until(() => expect(rig.sip.ringing()).toHaveLength(1));
    rig.sip.ringing()[0]?.answer();
    await rig.until(() =>
      expect(rig.endpoints()[0]?.commands).toContain(
        'execute speak flite|kal|support callback to 1 5 5 5 7 6 5 4 3 2 1',
      ),
    );
    await rig.clock.advance(1000);
    await rig.until(() => expect(callbacks).toHaveLength(1));
    expect(callbacks[0]).toMatchObject({
      contactId: 'call-7',
      agentId: 'alice',
      number: '+15557654321',
    });
    expect(rig.legs.size).toBe(0);
  });
});
