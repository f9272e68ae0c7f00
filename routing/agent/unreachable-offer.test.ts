/**
 * An offer none of the agent's devices could take (a phone gone without
 * unregistering), and the miss count after a missed-offers break. Real Redis
 * (test/test-redis.ts), simulated clock; deadlines fire when the test says.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContactRequest } from '../../ivr/acd.ts';
import { checkRoutingStore } from '../audit/routing-store-check.ts';
import { createTestRouting, type TestRouting } from '../test-routing.ts';

let routing: TestRouting;
const backoffMs = 30_000;

beforeEach(async () => {
  routing = createTestRouting();
  await routing.admin.configureQueue({
    queueId: 'q',
    ringTimeoutSeconds: 20,
    maxConsecutiveMisses: 2,
  });
});

afterEach(async () => {
  await routing.cleanup();
});

async function agent(agentId: string, capacity: { voice: number; chat: number }) {
  await routing.admin.configureAgent({
    agentId,
    skills: {},
    queues: [{ queueId: 'q' }],
    capacity: { ...capacity, email: 0 },
  });
  await routing.desk.logIn(agentId);
  routing.clock.advance(1_000);
}

function contact(contactId: string, extra: Partial<ContactRequest> = {}): ContactRequest {
  return { contactId, channel: 'voice', queueId: 'q', requiredSkills: [], priority: 3, ...extra };
}

async function ringing(agentId: string): Promise<string[]> {
  return (await routing.desk.status(agentId)).offers.map((offer) => offer.contactId);
}

async function offerFor(agentId: string): Promise<string> {
  const [offer] = (await routing.desk.status(agentId)).offers;
  if (offer === undefined) throw new Error(`nothing rings for ${agentId}`);
  return offer.offerId;
}

async function storeProblems(): Promise<string[]> {
  return checkRoutingStore(routing.commands.redis, routing.commands.keys);
}

describe('an offer no device could take', () => {
  it('goes to the next agent at once and counts no miss', async () => {
    await agent('ann', { voice: 1, chat: 0 });
    await agent('ben', { voice: 1, chat: 0 });
    await routing.acd.enqueue(contact('c1'));
    await routing.desk.unreachable('ann', await offerFor('ann'), backoffMs);

    expect(await ringing('ben')).toEqual(['c1']);
    const ann = await routing.desk.status('ann');
    expect([ann.consecutiveMisses, ann.voiceBackoffUntil]).toEqual([
      0,
      routing.clock.now() + backoffMs,
    ]);
    const events = await routing.events();
    expect(events.filter((e) => e.agentId === 'ann').map((e) => [e.type, e.reason])).toEqual(
      expect.arrayContaining([
        ['offer.unreachable', undefined],
        ['contact.requeued', 'unreachable'],
      ]),
    );
    expect(events.map((e) => e.type)).not.toContain('offer.timed-out');
    expect(await storeProblems()).toEqual([]);
  });

  it('is not offered to the same agent again until the back-off ends', async () => {
    await agent('ann', { voice: 1, chat: 0 });
    await routing.acd.enqueue(contact('c1'));
    for (let round = 0; round < 3; round += 1) {
      await routing.desk.unreachable('ann', await offerFor('ann'), backoffMs);
      expect(await ringing('ann')).toEqual([]);
      expect(await routing.acd.position('c1')).toBe(1);
      expect(await storeProblems()).toEqual([]);
      routing.clock.advance(backoffMs - 1);
      await routing.deadlines.fireDue();
      expect(await ringing('ann')).toEqual([]);
      routing.clock.advance(1);
      await routing.deadlines.fireDue();
      expect(await ringing('ann')).toEqual(['c1']);
    }
    const ann = await routing.desk.status('ann');
    expect([ann.state, ann.consecutiveMisses, ann.voiceBackoffUntil]).toEqual(['reserved', 0, 0]);
  });

  it('is not counted as an agent available to a flow during the back-off', async () => {
    await agent('ann', { voice: 1, chat: 0 });
    await routing.acd.enqueue(contact('c1'));
    await routing.desk.unreachable('ann', await offerFor('ann'), backoffMs);
    expect(await routing.acd.agentsAvailable('q')).toBe(0);
  });

  it('ends the back-off when the agent says they are available', async () => {
    await agent('ann', { voice: 1, chat: 0 });
    await routing.acd.enqueue(contact('c1'));
    await routing.desk.unreachable('ann', await offerFor('ann'), backoffMs);
    await routing.desk.setState('ann', 'available');
    expect(await ringing('ann')).toEqual(['c1']);
    expect((await routing.desk.status('ann')).voiceBackoffUntil).toBe(0);
    expect(await storeProblems()).toEqual([]);
  });

  it('still lets the agent take chats while voice is backed off', async () => {
    await agent('ann', { voice: 1, chat: 1 });
    await routing.acd.enqueue(contact('c1'));
    await routing.desk.unreachable('ann', await offerFor('ann'), backoffMs);
    await routing.acd.enqueue(contact('chat-1', { channel: 'chat' }));
    expect(await ringing('ann')).toEqual(['chat-1']);
  });

  it('has its lost back-off deadline restored by the reconciler', async () => {
    await agent('ann', { voice: 1, chat: 0 });
    await routing.acd.enqueue(contact('c1'));
    await routing.desk.unreachable('ann', await offerFor('ann'), backoffMs);
    await routing.commands.redis.zrem(routing.commands.keys.deadlines(), 'backoff|ann');
    expect(await storeProblems()).toEqual(['agent ann is backed off without a backoff deadline']);
    await routing.reconciler.runOnce();
    expect(await storeProblems()).toEqual([]);
    routing.clock.advance(backoffMs);
    await routing.deadlines.fireDue();
    expect(await ringing('ann')).toEqual(['c1']);
  });
});

describe('consecutive misses', () => {
  it('start afresh when the agent comes back from a missed-offers break', async () => {
    await agent('ann', { voice: 1, chat: 0 });
    await routing.acd.enqueue(contact('c1'));
    for (let miss = 0; miss < 2; miss += 1) {
      routing.clock.advance(20_000);
      await routing.deadlines.fireDue();
    }
    expect((await routing.desk.status('ann')).reason).toBe('missed-offers');

    await routing.desk.setState('ann', 'available');
    expect((await routing.desk.status('ann')).consecutiveMisses).toBe(0);
    routing.clock.advance(20_000);
    await routing.deadlines.fireDue();
    const ann = await routing.desk.status('ann');
    expect([ann.state, ann.consecutiveMisses, ann.offers.length]).toEqual(['reserved', 1, 1]);
  });
});
