/**
 * Engaging agents on calls no queue offered them (AgentDesk.engage/release)
 * on a real Redis (test/test-redis.ts) with a simulated clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContactRequest } from '../../ivr/acd.ts';
import { checkRoutingStore } from '../audit/routing-store-check.ts';
import { createTestRouting, type TestRouting } from '../test-routing.ts';

let routing: TestRouting;

beforeEach(async () => {
  routing = createTestRouting();
  await routing.admin.configureQueue({ queueId: 'q', ringTimeoutSeconds: 20, wrapUpSeconds: 30 });
  await routing.admin.configureQueue({ queueId: 'quick', wrapUpSeconds: 0 });
  for (const agentId of ['ann', 'ben']) {
    await routing.admin.configureAgent({ agentId, skills: {}, queues: [{ queueId: 'q' }] });
    await routing.desk.logIn(agentId);
  }
  routing.clock.advance(1_000);
});

afterEach(async () => {
  await routing.cleanup();
});

function contact(contactId: string): ContactRequest {
  return { contactId, channel: 'voice', queueId: 'q', requiredSkills: [], priority: 3 };
}

async function refusal(action: Promise<unknown>) {
  return action.then(
    () => 'accepted',
    (error: unknown) => error,
  );
}

describe('engage', () => {
  it('makes the agent busy on the call, shown as their contact, and offers them nothing', async () => {
    expect(await routing.desk.engage('ann', 'call-1', 'click-to-dial')).toBe('busy');
    const status = await routing.desk.status('ann');
    expect(status.state).toBe('busy');
    expect(status.contacts).toEqual([
      {
        contactId: 'call-1',
        queueId: '',
        channel: 'voice',
        acceptedAt: routing.clock.now(),
        engagement: 'click-to-dial',
      },
    ]);
    await routing.acd.enqueue(contact('c1'));
    expect((await routing.desk.status('ann')).offers).toEqual([]);
    expect((await routing.desk.status('ben')).offers.map((o) => o.contactId)).toEqual(['c1']);
    expect(await routing.acd.agentsAvailable('q')).toBe(0);
    const events = await routing.events();
    expect(events.find((e) => e.type === 'agent.engaged')).toMatchObject({
      agentId: 'ann',
      contactId: 'call-1',
      reason: 'click-to-dial',
    });
    expect(events.some((e) => e.type === 'agent.state-changed' && e.state === 'busy')).toBe(true);
  });

  it.each([
    ['in wrap-up', 'wrap-up'],
    ['ringing', 'ringing'],
    ['connected', 'on-contact'],
    ['engaged', 'engaged'],
    ['offline', 'offline'],
    ['on break (transfer)', 'break'],
  ])('refuses an agent %s with conflict naming why', async (_, reason) => {
    if (reason === 'offline') await routing.desk.logOut('ann');
    if (reason === 'break') await routing.desk.setState('ann', 'break', 'lunch');
    if (reason === 'engaged') await routing.desk.engage('ann', 'other', 'transfer');
    if (['wrap-up', 'ringing', 'on-contact'].includes(reason)) {
      await routing.desk.setState('ben', 'break', 'lunch');
      await routing.acd.enqueue(contact('c1'));
      const [offer] = (await routing.desk.status('ann')).offers;
      if (reason !== 'ringing') await routing.desk.accept('ann', offer?.offerId ?? '');
      if (reason === 'wrap-up') await routing.desk.complete('ann', 'c1');
    }
    expect(await refusal(routing.desk.engage('ann', 'call-1', 'transfer'))).toMatchObject({
      code: 'conflict',
      details: { reason },
    });
  });

  it('lets an agent on break dial out: busy on the call, back on break after it', async () => {
    await routing.desk.setState('ann', 'break', 'lunch');
    await routing.desk.engage('ann', 'call-1', 'click-to-dial');
    expect((await routing.desk.status('ann')).state).toBe('busy');
    expect(await refusal(routing.desk.setState('ann', 'break', 'lunch'))).toMatchObject({
      code: 'conflict',
    });
    expect(await refusal(routing.desk.logOut('ann'))).toMatchObject({ code: 'conflict' });
    const released = await routing.desk.release('ann', 'call-1');
    expect(released.wrapUpUntil).toBe(0);
    expect(await routing.desk.status('ann')).toMatchObject({ state: 'break', reason: 'lunch' });
  });

  it('is a no-op on the same call and names bad input', async () => {
    await routing.desk.engage('ann', 'call-1', 'transfer');
    expect(await routing.desk.engage('ann', 'call-1', 'transfer')).toBe('busy');
    expect(await refusal(routing.desk.engage('ann', 'a b', 'transfer'))).toMatchObject({
      code: 'validation_failed',
      message: expect.stringMatching(/^callId/) as unknown,
    });
    expect(await refusal(routing.desk.engage('nobody', 'call-2', 'transfer'))).toMatchObject({
      code: 'not_found',
    });
  });
});

describe('release', () => {
  it("wraps up for the agent's queues' wrap-up, then offers what waits", async () => {
    await routing.desk.engage('ann', 'call-1', 'click-to-dial');
    await routing.desk.setState('ben', 'break', 'lunch');
    await routing.acd.enqueue(contact('c1'));
    routing.clock.advance(5_000);
    const released = await routing.desk.release('ann', 'call-1');
    expect(released).toMatchObject({ talkMs: 5_000, wrapUpUntil: routing.clock.now() + 30_000 });
    expect((await routing.desk.status('ann')).state).toBe('wrap-up');
    await routing.desk.finishWrapUp('ann');
    expect((await routing.desk.status('ann')).offers.map((o) => o.contactId)).toEqual(['c1']);
    expect((await routing.events()).find((e) => e.type === 'agent.released')).toMatchObject({
      agentId: 'ann',
      contactId: 'call-1',
      talkMs: 5_000,
    });
  });

  it('follows the queue the call came through, and goes straight to available when it has none', async () => {
    await routing.desk.engage('ann', 'call-1', 'transfer', 'quick');
    expect((await routing.desk.release('ann', 'call-1')).wrapUpUntil).toBe(0);
    expect((await routing.desk.status('ann')).state).toBe('available');
  });

  it('refuses a call the agent is not engaged on, so a late release ends nothing newer', async () => {
    await routing.desk.engage('ann', 'call-2', 'transfer');
    expect(await refusal(routing.desk.release('ann', 'call-1'))).toMatchObject({
      code: 'not_found',
    });
    expect((await routing.desk.status('ann')).state).toBe('busy');
  });

  it("is what the desktop's complete does for an engaged call (one left behind by a crash)", async () => {
    await routing.desk.engage('ann', 'call-1', 'transfer');
    await routing.desk.complete('ann', 'call-1');
    expect((await routing.desk.status('ann')).contacts).toEqual([]);
  });
});

describe('restart safety', () => {
  it('keeps an engaged agent busy through a reconcile pass, and the store checks clean', async () => {
    await routing.desk.engage('ann', 'call-1', 'click-to-dial');
    const report = await routing.reconciler.runOnce();
    expect(report.repairs).toBe(0);
    expect((await routing.desk.status('ann')).state).toBe('busy');
    expect(await checkRoutingStore(routing.commands.redis, routing.commands.keys)).toEqual([]);
    await routing.commands.redis.hset(routing.commands.keys.agent('ann'), 'load:voice', '0');
    expect((await routing.reconciler.runOnce()).repairs).toBe(1);
    await routing.acd.enqueue(contact('c1'));
    expect((await routing.desk.status('ann')).offers).toEqual([]);
  });
});
