/** The Redis ACD beyond the shared contract, on a real Redis (test/test-redis.ts) with a simulated clock. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContactRequest, ContactUpdate } from '../ivr/acd.ts';
import { SwitchboardError } from '../platform/switchboard-error.ts';
import { createTestRouting, type TestRouting } from './test-routing.ts';

let routing: TestRouting;

beforeEach(() => {
  routing = createTestRouting();
});

afterEach(async () => {
  await routing.cleanup();
});

function contact(contactId: string, extra: Partial<ContactRequest> = {}): ContactRequest {
  return { contactId, channel: 'voice', queueId: 'q', requiredSkills: [], priority: 3, ...extra };
}

async function agent(agentId: string, skills: Record<string, number> = {}, queueId = 'q') {
  await routing.admin.configureAgent({ agentId, skills, queues: [{ queueId }] });
  await routing.desk.logIn(agentId);
}

async function offeredContacts(agentId: string): Promise<string[]> {
  return (await routing.desk.status(agentId)).offers.map((o) => o.contactId);
}

describe('priority with aging', () => {
  it('serves a patient low-priority contact before a fresh urgent one after enough steps', async () => {
    await routing.admin.configureQueue({ queueId: 'q', priorityAgingSeconds: 60 });
    await routing.acd.enqueue(contact('patient', { priority: 5 }));
    routing.clock.advance(3 * 60_000);
    await routing.acd.enqueue(contact('fresh', { priority: 1 }));
    expect(await routing.acd.position('fresh')).toBe(1);
    routing.clock.advance(2 * 60_000);
    await routing.acd.enqueue(contact('later', { priority: 1 }));
    expect(await routing.acd.position('later')).toBe(3);
    await agent('ann');
    expect(await offeredContacts('ann')).toEqual(['fresh']);
  });
});

describe('skills', () => {
  it('lets an agent skip contacts it cannot serve without losing them', async () => {
    await routing.admin.configureQueue({ queueId: 'q' });
    await routing.acd.enqueue(
      contact('expert', { requiredSkills: [{ skill: 'tax', minLevel: 8 }] }),
    );
    await routing.acd.enqueue(
      contact('simple', { requiredSkills: [{ skill: 'tax', minLevel: 2 }] }),
    );
    await agent('junior', { tax: 3 });
    expect(await offeredContacts('junior')).toEqual(['simple']);
    await agent('senior', { tax: 9 });
    expect(await offeredContacts('senior')).toEqual(['expert']);
  });

  it('needs every required skill at its level', async () => {
    await routing.admin.configureQueue({ queueId: 'q' });
    await agent('ann', { en: 9, es: 2 });
    await routing.acd.enqueue(
      contact('c1', {
        requiredSkills: [
          { skill: 'en', minLevel: 5 },
          { skill: 'es', minLevel: 3 },
        ],
      }),
    );
    expect(await offeredContacts('ann')).toEqual([]);
    await routing.admin.configureAgent({
      agentId: 'ann',
      skills: { en: 9, es: 3 },
      queues: [{ queueId: 'q' }],
    });
    expect(await offeredContacts('ann')).toEqual(['c1']);
  });
});

describe('max wait', () => {
  it('overflows keeping the original place, then times out where there is no target', async () => {
    await routing.admin.configureQueue({ queueId: 'general', maxWaitSeconds: 120 });
    await routing.admin.configureQueue({
      queueId: 'q',
      maxWaitSeconds: 60,
      overflowQueueId: 'general',
    });
    await routing.acd.enqueue(contact('early'));
    routing.clock.advance(30_000);
    await routing.acd.enqueue(contact('already-there', { queueId: 'general' }));
    const updates: ContactUpdate[] = [];
    await routing.feed.ready();
    const stop = routing.acd.watch('early', (u) => updates.push(u));
    routing.clock.advance(30_000);
    await routing.deadlines.fireDue();
    expect(await routing.acd.position('early')).toBe(1);
    expect(await routing.acd.position('already-there')).toBe(2);
    routing.clock.advance(120_000);
    await routing.deadlines.fireDue();
    expect(await routing.acd.position('early')).toBeNull();
    await expect
      .poll(() => updates)
      .toEqual([{ kind: 'overflowed', toQueueId: 'general' }, { kind: 'timedOut' }]);
    stop();
  });
});

describe('queue insight', () => {
  it('reports line, agents, oldest wait and service level, and records abandoned waits', async () => {
    await routing.admin.configureQueue({ queueId: 'q', serviceLevelSeconds: 20, wrapUpSeconds: 0 });
    await routing.acd.enqueue(contact('answered'));
    routing.clock.advance(10_000);
    await agent('ann');
    const [offer] = (await routing.desk.status('ann')).offers;
    await routing.desk.accept('ann', offer?.offerId ?? '');
    await routing.acd.enqueue(contact('quick-hangup', { priority: 1 }));
    await routing.acd.enqueue(contact('waiting', { priority: 2 }));
    routing.clock.advance(5_000);
    await routing.acd.cancel('quick-hangup', 'abandoned');
    await routing.acd.enqueue(contact('slow-hangup', { priority: 2 }));
    routing.clock.advance(40_000);
    await routing.acd.cancel('slow-hangup', 'abandoned');
    const snapshot = await routing.insight.snapshot('q');
    expect(snapshot.waitingByPriority).toEqual({ 1: 0, 2: 1, 3: 0, 4: 0, 5: 0 });
    expect(snapshot.oldestWaitSeconds).toBe(45);
    expect(snapshot.agentsByState.busy).toBe(1);
    expect(snapshot.serviceLevel).toMatchObject({
      answered: 1,
      answeredWithinTarget: 1,
      abandoned: 2,
      abandonedWithinTarget: 1,
      ratio: 0.5,
    });
    const cancelled = (await routing.events()).filter((e) => e.type === 'contact.cancelled');
    expect(cancelled.map((e) => [e.contactId, e.waitMs])).toEqual([
      ['quick-hangup', 5_000],
      ['slow-hangup', 40_000],
    ]);
  });

  it('estimates waits from position, staffing and handle time', async () => {
    await routing.admin.configureQueue({ queueId: 'q', expectedHandleSeconds: 300 });
    await agent('ann');
    await agent('ben');
    for (const id of ['c1', 'c2']) {
      await routing.acd.enqueue(contact(id));
    }
    for (const a of ['ann', 'ben']) {
      const [offer] = (await routing.desk.status(a)).offers;
      await routing.desk.accept(a, offer?.offerId ?? '');
    }
    // Two staffed, none free, 300 s handle time: position p waits ceil(p * 300 / 2).
    expect((await routing.acd.enqueue(contact('c3'))).estimatedWaitSeconds).toBe(150);
    expect(await routing.acd.estimatedWaitSeconds('c3')).toBe(150);
    expect(await routing.acd.queueEstimatedWaitSeconds('q')).toBe(300);
  });
});

describe('input', () => {
  it('names the offending field', async () => {
    await routing.admin.configureQueue({ queueId: 'q' });
    const error = await routing.acd
      .enqueue(contact('c1', { priority: 9 }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchboardError);
    expect((error as SwitchboardError).code).toBe('validation_failed');
    expect((error as SwitchboardError).message).toMatch(/^contact\.priority:/);
    const skill = await routing.admin
      .configureAgent({ agentId: 'a', skills: { en: 11 }, queues: [] })
      .catch((e: unknown) => e);
    expect((skill as SwitchboardError).message).toMatch(/^agent\.skills\.en:/);
  });

  it('refuses a contact that is already queued and an agent in an unknown queue', async () => {
    await routing.admin.configureQueue({ queueId: 'q' });
    await routing.acd.enqueue(contact('c1'));
    await expect(routing.acd.enqueue(contact('c1'))).rejects.toMatchObject({ code: 'conflict' });
    await expect(
      routing.admin.configureAgent({ agentId: 'a', skills: {}, queues: [{ queueId: 'nope' }] }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});
