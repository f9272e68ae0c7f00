/**
 * One case per strategy on a real Redis (test/test-redis.ts), simulated
 * clock. Agent a0 lacks the required skill level but is "best" by every
 * strategy's measure (first to log in, first by name, top position), so it
 * must never be picked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestRouting, type TestRouting } from '../test-routing.ts';
import type { RoutingStrategy } from './routing-strategy.ts';

const agents = ['a1', 'a2', 'a3'] as const;
let routing: TestRouting;
let served = 0;

afterEach(async () => {
  await routing.cleanup();
});

async function setUp(strategy: RoutingStrategy, positions: Record<string, number> = {}) {
  routing = createTestRouting();
  served = 0;
  await routing.admin.configureQueue({ queueId: 'q', strategy });
  for (const agentId of ['a0', ...agents]) {
    await routing.admin.configureAgent({
      agentId,
      skills: { en: agentId === 'a0' ? 4 : 5 },
      queues: [{ queueId: 'q', position: positions[agentId] ?? 0 }],
    });
  }
}

async function logIn(...ids: string[]): Promise<void> {
  for (const id of ids) {
    await routing.desk.logIn(id);
    routing.clock.advance(1_000);
  }
}

async function offeredTo(contactId: string): Promise<string[]> {
  return (await routing.events())
    .filter((e) => e.type === 'contact.offered' && e.contactId === contactId)
    .map((e) => e.agentId ?? '');
}

/** Enqueues one contact, lets the offered agent talk for `talkMs`, completes it. */
async function serve(talkMs = 1_000): Promise<string> {
  served += 1;
  const contactId = `c${served}`;
  await routing.acd.enqueue({
    contactId,
    channel: 'voice',
    queueId: 'q',
    requiredSkills: [{ skill: 'en', minLevel: 5 }],
    priority: 3,
  });
  const [agentId] = await offeredTo(contactId);
  if (!agentId) throw new Error(`${contactId} was not offered`);
  const offer = (await routing.desk.status(agentId)).offers[0];
  await routing.desk.accept(agentId, offer?.offerId ?? '');
  routing.clock.advance(talkMs);
  await routing.desk.complete(agentId, contactId);
  routing.clock.advance(1_000);
  return agentId;
}

async function serveAll(talks: readonly number[]): Promise<string[]> {
  const picks: string[] = [];
  for (const talk of talks) picks.push(await serve(talk));
  return picks;
}

interface StrategyCase {
  readonly strategy: RoutingStrategy;
  readonly why: string;
  readonly play: () => Promise<unknown>;
  readonly expected: unknown;
}

const cases: StrategyCase[] = [
  {
    strategy: 'longest-idle',
    why: 'the agent free the longest goes first, then rotates as each finishes',
    play: async () => {
      await setUp('longest-idle');
      await logIn('a0', 'a2', 'a3', 'a1');
      return serveAll([1_000, 1_000, 1_000, 1_000]);
    },
    expected: ['a2', 'a3', 'a1', 'a2'],
  },
  {
    strategy: 'round-robin',
    why: 'least recently offered by the queue, ties by name, whatever the login order',
    play: async () => {
      await setUp('round-robin');
      await logIn('a0', 'a3', 'a2', 'a1');
      return serveAll([1_000, 1_000, 1_000, 1_000, 1_000]);
    },
    expected: ['a1', 'a2', 'a3', 'a1', 'a2'],
  },
  {
    strategy: 'top-down',
    why: 'the lowest position whenever free',
    play: async () => {
      await setUp('top-down', { a0: 0, a1: 3, a2: 1, a3: 2 });
      await logIn('a0', 'a1', 'a2', 'a3');
      return serveAll([1_000, 1_000, 1_000]);
    },
    expected: ['a2', 'a2', 'a2'],
  },
  {
    strategy: 'fewest-calls',
    why: 'fewest accepted since login; a late joiner catches up',
    play: async () => {
      await setUp('fewest-calls');
      await logIn('a0', 'a1', 'a2');
      const early = await serveAll([1_000, 1_000, 1_000, 1_000]);
      await logIn('a3');
      return [...early, ...(await serveAll([1_000, 1_000, 1_000]))];
    },
    expected: ['a1', 'a2', 'a1', 'a2', 'a3', 'a3', 'a1'],
  },
  {
    strategy: 'least-talk-time',
    why: 'least talk time since login',
    play: async () => {
      await setUp('least-talk-time');
      await logIn('a0', 'a1', 'a2', 'a3');
      return serveAll([5_000, 1_000, 3_000, 1_000, 2_000, 1_000]);
    },
    expected: ['a1', 'a2', 'a3', 'a2', 'a2', 'a3'],
  },
  {
    strategy: 'ring-all',
    why: 'every qualified agent rings; the first to accept wins, the others are withdrawn',
    play: async () => {
      await setUp('ring-all');
      await logIn('a0', 'a1', 'a2', 'a3');
      await routing.acd.enqueue({
        contactId: 'c1',
        channel: 'voice',
        queueId: 'q',
        requiredSkills: [{ skill: 'en', minLevel: 5 }],
        priority: 3,
      });
      const rung = (await offeredTo('c1')).sort();
      const offer = (await routing.desk.status('a2')).offers[0];
      await routing.desk.accept('a2', offer?.offerId ?? '');
      const late = (await routing.desk.status('a3')).offers.length;
      const states = await Promise.all(
        agents.map(async (a) => (await routing.desk.status(a)).state),
      );
      const withdrawn = (await routing.events()).filter((e) => e.type === 'offer.withdrawn').length;
      return { rung, late, states, withdrawn };
    },
    expected: {
      rung: ['a1', 'a2', 'a3'],
      late: 0,
      states: ['available', 'busy', 'available'],
      withdrawn: 2,
    },
  },
  {
    strategy: 'random',
    why: 'every qualified agent gets picked sometimes, the unqualified never',
    play: async () => {
      await setUp('random');
      await logIn('a0', 'a1', 'a2', 'a3');
      const picks = await serveAll(Array.from({ length: 60 }, () => 1_000));
      return [...new Set(picks)].sort();
    },
    expected: ['a1', 'a2', 'a3'],
  },
];

describe('routing strategies', () => {
  it.each(cases)('$strategy: $why', async ({ play, expected }) => {
    expect(await play()).toEqual(expected);
  });

  it('re-scores available agents when the strategy changes', async () => {
    await setUp('longest-idle', { a1: 3, a2: 2, a3: 1 });
    await logIn('a0', 'a1', 'a2', 'a3');
    await routing.admin.configureQueue({ queueId: 'q', strategy: 'top-down' });
    expect(await serve()).toBe('a3');
  });
});
