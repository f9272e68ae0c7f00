import { describe, expect, it } from 'vitest';
import { describeAcdContract } from './acd-contract.ts';
import type { ContactUpdate } from './acd.ts';
import { InMemoryAcd } from './in-memory-acd.ts';
import { SimulatedCallClock } from './simulated-call-clock.ts';

describeAcdContract('InMemoryAcd', () => {
  const clock = new SimulatedCallClock();
  const acd = new InMemoryAcd({ clock });
  return Promise.resolve({
    acd,
    addQueue: (queueId: string) => Promise.resolve(acd.addQueue(queueId)),
    addAvailableAgent: (agentId: string, queueIds: readonly string[], skills) =>
      Promise.resolve(acd.addAgent(agentId, { queueIds, skills })),
    acceptOffer: (_agentId: string, offerId: string) => Promise.resolve(acd.acceptOffer(offerId)),
    engageAgent: (agentId: string, callId: string) =>
      new Promise<void>((resolve) => resolve(acd.engage(agentId, callId))),
    releaseAgent: (agentId: string, callId: string) =>
      new Promise<void>((resolve) => resolve(acd.release(agentId, callId))),
    close: () => Promise.resolve(acd.close()),
  });
});

describe('InMemoryAcd scripting', () => {
  const request = { channel: 'voice', requiredSkills: [], priority: 3 } as const;

  it('lets a scripted agent answer after a delay on the call clock', async () => {
    const clock = new SimulatedCallClock();
    const acd = new InMemoryAcd({ clock });
    acd.addQueue('sales');
    acd.addAgent('alice', { queueIds: ['sales'], answerAfterMs: 8000 });
    const updates: ContactUpdate['kind'][] = [];
    acd.watch('c1', (update) => updates.push(update.kind));
    await acd.enqueue({ ...request, contactId: 'c1', queueId: 'sales' });
    await clock.advance(7999);
    expect(updates).toEqual(['offered']);
    await clock.advance(1);
    expect(updates).toEqual(['offered', 'accepted']);
  });

  it('rings out an unanswered offer, puts the agent on break and requeues', async () => {
    const clock = new SimulatedCallClock();
    const acd = new InMemoryAcd({ clock, ringTimeoutMs: 15_000 });
    acd.addQueue('sales');
    acd.addAgent('alice', { queueIds: ['sales'] });
    const updates: ContactUpdate['kind'][] = [];
    acd.watch('c1', (update) => updates.push(update.kind));
    await acd.enqueue({ ...request, contactId: 'c1', queueId: 'sales' });
    await clock.advance(15_000);
    expect(updates).toEqual(['offered', 'requeued']);
    expect(await acd.agentsAvailable('sales')).toBe(0);
    expect(await acd.position('c1')).toBe(1);
  });

  it('overflows after the max wait, or times out without an overflow queue', async () => {
    const clock = new SimulatedCallClock();
    const acd = new InMemoryAcd({ clock });
    acd.addQueue('sales', { maxWaitSeconds: 60, overflowQueueId: 'general' });
    acd.addQueue('general', { maxWaitSeconds: 120 });
    const updates: ContactUpdate[] = [];
    acd.watch('c1', (update) => updates.push(update));
    await acd.enqueue({ ...request, contactId: 'c1', queueId: 'sales' });
    await clock.advance(60_000);
    expect(updates).toEqual([{ kind: 'overflowed', toQueueId: 'general' }]);
    expect(await acd.position('c1')).toBe(1);
    await clock.advance(120_000);
    expect(updates.at(-1)).toEqual({ kind: 'timedOut' });
    expect(await acd.position('c1')).toBeNull();
    expect(clock.pendingTimerCount).toBe(0);
  });
});
