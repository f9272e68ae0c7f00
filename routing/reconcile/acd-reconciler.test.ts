/** Repairs on a real Redis (test/test-redis.ts): state is damaged by hand, as a crash or an operator might. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestRouting, type TestRouting } from '../test-routing.ts';

let routing: TestRouting;

beforeEach(async () => {
  routing = createTestRouting();
  await routing.admin.configureQueue({ queueId: 'q' });
  for (const agentId of ['ann', 'ben']) {
    await routing.admin.configureAgent({ agentId, skills: {}, queues: [{ queueId: 'q' }] });
  }
  await routing.desk.logIn('ann');
  await routing.acd.enqueue({
    contactId: 'c1',
    channel: 'voice',
    queueId: 'q',
    requiredSkills: [],
    priority: 3,
  });
});

afterEach(async () => {
  await routing.cleanup();
});

describe('AcdReconciler', () => {
  it('frees an agent reserved without a live offer and requeues its contact', async () => {
    const [offer] = (await routing.desk.status('ann')).offers;
    const { redis, keys } = routing.commands;
    await redis.del(keys.offer(offer?.offerId ?? ''));
    await redis.zrem(keys.deadlines(), `ring|${offer?.offerId ?? ''}`);
    expect((await routing.desk.status('ann')).state).toBe('reserved');

    const report = await routing.reconciler.runOnce();

    expect(report.repairs).toBeGreaterThanOrEqual(2);
    // Back in line and straight to the (only) free agent again, with a new offer.
    const [fresh] = (await routing.desk.status('ann')).offers;
    expect(fresh?.contactId).toBe('c1');
    expect(fresh?.offerId).not.toBe(offer?.offerId);
    expect((await routing.events()).some((e) => e.type === 'agent.repaired')).toBe(true);
  });

  it('fires deadlines that were missed while no process was running', async () => {
    routing.clock.advance(60_000);
    await routing.desk.logIn('ben');
    const report = await routing.reconciler.runOnce();
    expect(report.deadlinesFired).toBe(1);
    expect((await routing.desk.status('ben')).offers.map((o) => o.contactId)).toEqual(['c1']);
  });

  it('changes nothing in a healthy store', async () => {
    const report = await routing.reconciler.runOnce();
    expect(report.repairs).toBe(0);
    expect(report.deadlinesFired).toBe(0);
  });
});
