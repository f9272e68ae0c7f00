/** Agent desk behaviour on a real Redis (test/test-redis.ts) with a simulated clock. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContactRequest } from '../../ivr/acd.ts';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import { createTestRouting, type TestRouting } from '../test-routing.ts';

let routing: TestRouting;

beforeEach(async () => {
  routing = createTestRouting();
  await routing.admin.configureQueue({
    queueId: 'q',
    ringTimeoutSeconds: 20,
    maxConsecutiveMisses: 2,
    wrapUpSeconds: 30,
  });
});

afterEach(async () => {
  await routing.cleanup();
});

async function agent(agentId: string, capacity?: { voice?: number; chat?: number }) {
  await routing.admin.configureAgent({
    agentId,
    skills: {},
    queues: [{ queueId: 'q' }],
    capacity: { voice: capacity?.voice ?? 1, chat: capacity?.chat ?? 0, email: 0 },
  });
  await routing.desk.logIn(agentId);
  routing.clock.advance(1_000);
}

function contact(contactId: string, extra: Partial<ContactRequest> = {}): ContactRequest {
  return { contactId, channel: 'voice', queueId: 'q', requiredSkills: [], priority: 3, ...extra };
}

async function ringing(agentId: string) {
  return (await routing.desk.status(agentId)).offers;
}

async function codeOf(action: Promise<unknown>): Promise<string> {
  const error: unknown = await action.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  return error instanceof SwitchboardError ? error.code : `no SwitchboardError: ${String(error)}`;
}

describe('offers', () => {
  it('moves a rejected contact to the next agent and keeps the rejecting agent available', async () => {
    await agent('ann');
    await agent('ben');
    await routing.acd.enqueue(contact('c1'));
    const [offer] = await ringing('ann');
    await routing.desk.reject('ann', offer?.offerId ?? '');
    expect((await ringing('ben')).map((o) => o.contactId)).toEqual(['c1']);
    expect((await routing.desk.status('ann')).state).toBe('available');
  });

  it('offers a rejected contact back when no one else can take it', async () => {
    await agent('ann');
    await routing.acd.enqueue(contact('c1'));
    const [first] = await ringing('ann');
    await routing.desk.reject('ann', first?.offerId ?? '');
    const [second] = await ringing('ann');
    expect(second?.contactId).toBe('c1');
    expect(second?.offerId).not.toBe(first?.offerId);
  });

  it('rings out on the ring timeout, re-offers, and breaks the agent after the missed-offer limit', async () => {
    await agent('ann');
    await routing.acd.enqueue(contact('c1'));
    routing.clock.advance(19_999);
    expect(await routing.deadlines.fireDue()).toBe(0);
    routing.clock.advance(1);
    await routing.deadlines.fireDue();
    expect((await routing.desk.status('ann')).consecutiveMisses).toBe(1);
    const [again] = await ringing('ann');
    expect(again?.contactId).toBe('c1');
    routing.clock.advance(20_000);
    await routing.deadlines.fireDue();
    const status = await routing.desk.status('ann');
    expect([status.state, status.reason, status.offers.length]).toEqual([
      'break',
      'missed-offers',
      0,
    ]);
    expect(await routing.acd.position('c1')).toBe(1);
    const kinds = (await routing.events()).map((e) => e.type);
    expect(kinds.filter((k) => k === 'offer.timed-out')).toHaveLength(2);
  });

  it('resets the miss count on accept', async () => {
    await agent('ann');
    await routing.acd.enqueue(contact('c1'));
    routing.clock.advance(20_000);
    await routing.deadlines.fireDue();
    const [offer] = await ringing('ann');
    await routing.desk.accept('ann', offer?.offerId ?? '');
    expect((await routing.desk.status('ann')).consecutiveMisses).toBe(0);
    expect(await codeOf(routing.desk.accept('ann', offer?.offerId ?? ''))).toBe('not_found');
  });

  it('refuses an offer answered by the wrong agent', async () => {
    await agent('ann');
    await agent('ben');
    await routing.acd.enqueue(contact('c1'));
    const [offer] = await ringing('ann');
    expect(await codeOf(routing.desk.accept('ben', offer?.offerId ?? ''))).toBe('conflict');
  });
});

describe('wrap-up', () => {
  async function talkAndComplete(): Promise<number> {
    await agent('ann');
    await routing.acd.enqueue(contact('c1'));
    const [offer] = await ringing('ann');
    await routing.desk.accept('ann', offer?.offerId ?? '');
    routing.clock.advance(60_000);
    const completed = await routing.desk.complete('ann', 'c1');
    expect(completed.talkMs).toBe(60_000);
    await routing.acd.enqueue(contact('c2'));
    return completed.wrapUpUntil;
  }

  it('holds offers until the wrap-up timer ends', async () => {
    const until = await talkAndComplete();
    expect(until).toBe(routing.clock.now() + 30_000);
    expect((await routing.desk.status('ann')).state).toBe('wrap-up');
    routing.clock.advance(29_999);
    await routing.deadlines.fireDue();
    expect(await ringing('ann')).toEqual([]);
    routing.clock.advance(1);
    await routing.deadlines.fireDue();
    expect((await ringing('ann')).map((o) => o.contactId)).toEqual(['c2']);
  });

  it('ends on the agent command, and a stale timer does not cut a later wrap-up short', async () => {
    await talkAndComplete();
    await routing.desk.finishWrapUp('ann');
    const [offer] = await ringing('ann');
    await routing.desk.accept('ann', offer?.offerId ?? '');
    routing.clock.advance(10_000);
    await routing.desk.complete('ann', 'c2');
    routing.clock.advance(25_000); // the first wrap-up's due time has passed, the second's not
    await routing.deadlines.fireDue();
    expect((await routing.desk.status('ann')).state).toBe('wrap-up');
    expect(await codeOf(routing.desk.finishWrapUp('nobody'))).toBe('conflict');
  });
});

describe('presence', () => {
  it('refuses log-out and break while a contact is connected', async () => {
    await agent('ann');
    await routing.acd.enqueue(contact('c1'));
    const [offer] = await ringing('ann');
    await routing.desk.accept('ann', offer?.offerId ?? '');
    expect(await codeOf(routing.desk.logOut('ann'))).toBe('conflict');
    expect(await codeOf(routing.desk.setState('ann', 'break', 'lunch'))).toBe('conflict');
  });

  it('withdraws a ringing offer when the agent takes a break, without counting a miss', async () => {
    await agent('ann');
    await routing.acd.enqueue(contact('c1'));
    await routing.desk.setState('ann', 'break', 'lunch');
    await agent('ben');
    expect((await ringing('ben')).map((o) => o.contactId)).toEqual(['c1']);
    const ann = await routing.desk.status('ann');
    expect([ann.state, ann.reason, ann.consecutiveMisses]).toEqual(['break', 'lunch', 0]);
  });

  it('names the bad field and knows unknown agents', async () => {
    const error = await routing.desk.setState('ann', 'break').catch((e: unknown) => e);
    expect((error as SwitchboardError).code).toBe('validation_failed');
    expect((error as SwitchboardError).message).toMatch(/^reason/);
    expect(await codeOf(routing.desk.logIn('ghost'))).toBe('not_found');
  });
});

describe('capacity per channel', () => {
  it('offers up to the chat capacity at once and never two voice contacts', async () => {
    await agent('ann', { voice: 1, chat: 2 });
    for (const id of ['chat1', 'chat2', 'chat3'])
      await routing.acd.enqueue(contact(id, { channel: 'chat' }));
    await routing.acd.enqueue(contact('call1'));
    await routing.acd.enqueue(contact('call2'));
    const ids = (await ringing('ann')).map((o) => o.contactId).sort();
    expect(ids).toEqual(['call1', 'chat1', 'chat2']);
    expect(await routing.acd.position('chat3')).toBe(3);
  });
});

describe('callbacks', () => {
  it('keeps a callback through the caller hanging up and offers it with the number to dial', async () => {
    await routing.acd.enqueue(contact('c1'));
    await routing.acd.requestCallback('c1', '+15550001234');
    await routing.acd.cancel('c1', 'abandoned');
    await agent('ann');
    const [offer] = await ringing('ann');
    expect([offer?.contactId, offer?.callback, offer?.callbackNumber]).toEqual([
      'c1',
      true,
      '+15550001234',
    ]);
  });

  it('refuses callbacks for chats', async () => {
    await routing.acd.enqueue(contact('c1', { channel: 'chat' }));
    expect(await codeOf(routing.acd.requestCallback('c1', '+1555'))).toBe('conflict');
  });
});
