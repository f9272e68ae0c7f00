/**
 * Many clients hammer one routing store at once on a real Redis
 * (test/test-redis.ts): enqueue, abandon, accept, reject, unreachable, let ring out,
 * complete, take breaks; then every queue is drained and the event stream is
 * audited (routing/audit). The second test drops every connection mid-way,
 * reconnects with fresh clients and runs the reconciler. Time is simulated
 * (a shared ManualClock); wall time only bounds how long the load runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../platform/clock.ts';
import { SequentialIdGenerator } from '../platform/id-generator.ts';
import { createLogger } from '../platform/logger.ts';
import { SwitchboardError } from '../platform/switchboard-error.ts';
import { createTestRedis, type TestRedis } from '../test/test-redis.ts';
import { auditRouting } from './audit/routing-audit.ts';
import { checkRoutingStore } from './audit/routing-store-check.ts';
import { parseAcdEvent } from './acd-event.ts';
import { createRedisRouting, type RedisRouting } from './create-redis-routing.ts';

const agentCount = 16;
const queues = [
  { queueId: 'q1', strategy: 'longest-idle' as const },
  { queueId: 'q2', strategy: 'fewest-calls' as const },
];

/** Small seeded generator so a failing run can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Cluster {
  readonly clock = new ManualClock(1_700_000_000_000);
  clients: RedisRouting[] = [];
  private generation = 0;
  readonly skills = new Map<string, Record<string, number>>();
  readonly expectedErrors = new Map<string, number>();

  constructor(readonly testRedis: TestRedis) {}

  connect(count: number): void {
    this.generation += 1;
    this.clients = Array.from({ length: count }, (_, i) =>
      createRedisRouting({
        redis: this.testRedis.connect(),
        blockingRedis: this.testRedis.connect(),
        keyPrefix: this.testRedis.keyPrefix,
        clock: this.clock,
        ids: new SequentialIdGenerator(`g${this.generation}c${i}`),
        logger: createLogger({ level: 'silent' }),
      }),
    );
  }

  client(i: number): RedisRouting {
    return this.clients[i % this.clients.length] as RedisRouting;
  }

  /** Runs an operation that may lose a race (offer already gone, contact connected...). */
  async attempt(action: () => Promise<unknown>, tolerateUnavailable = false): Promise<void> {
    try {
      await action();
    } catch (error) {
      const tolerated =
        error instanceof SwitchboardError &&
        (error.code === 'not_found' ||
          error.code === 'conflict' ||
          (tolerateUnavailable && error.code === 'unavailable'));
      if (!tolerated) throw error;
      this.expectedErrors.set(error.code, (this.expectedErrors.get(error.code) ?? 0) + 1);
    }
  }

  async setUp(next: () => number): Promise<void> {
    const admin = this.client(0).admin;
    for (const queue of queues) {
      await admin.configureQueue({ ...queue, maxConsecutiveMisses: 3, ringTimeoutSeconds: 15 });
    }
    for (let i = 0; i < agentCount; i += 1) {
      const skills = { en: 1 + Math.floor(next() * 10), es: 1 + Math.floor(next() * 10) };
      this.skills.set(`agent${i}`, skills);
      await admin.configureAgent({
        agentId: `agent${i}`,
        skills,
        queues: queues.map(({ queueId }) => ({ queueId })),
      });
      await this.client(i).desk.logIn(`agent${i}`);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.close()));
  }
}

const yieldToTimers = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Load {
  readonly enqueued: string[];
  stop: boolean;
  chaos: boolean;
}

async function produce(cluster: Cluster, load: Load, worker: number, next: () => number) {
  let n = 0;
  while (!load.stop) {
    // Commands to a dropped connection reject at once, in microtasks only; without
    // this yield the loop starves every timer (the stopper, the test timeout).
    await yieldToTimers();
    n += 1;
    const contactId = `w${worker}-${n}`;
    const kind = next();
    const requiredSkills =
      kind < 0.3
        ? []
        : [{ skill: kind < 0.65 ? 'en' : 'es', minLevel: 1 + Math.floor(next() * 6) }];
    await cluster.attempt(async () => {
      await cluster.client(worker).acd.enqueue({
        contactId,
        channel: 'voice',
        queueId: next() < 0.5 ? 'q1' : 'q2',
        requiredSkills,
        priority: 1 + Math.floor(next() * 5),
      });
      load.enqueued.push(contactId);
    }, load.chaos);
    if (next() < 0.15 && load.enqueued.length > 0) {
      const victim = load.enqueued[Math.floor(next() * load.enqueued.length)] ?? '';
      await cluster.attempt(
        () => cluster.client(worker).acd.cancel(victim, 'abandoned'),
        load.chaos,
      );
    }
    cluster.clock.advance(Math.floor(next() * 40));
  }
}

async function actAsAgents(
  cluster: Cluster,
  load: Load,
  worker: number,
  workers: number,
  next: () => number,
  eager = false,
) {
  for (let i = worker; i < agentCount; i += workers) {
    const agentId = `agent${i}`;
    const desk = cluster.client(worker).desk;
    await cluster.attempt(async () => {
      const status = await desk.status(agentId);
      if (status.state === 'break') await desk.setState(agentId, 'available');
      for (const offer of status.offers) {
        const roll = eager ? 0 : next();
        if (roll < 0.7)
          await cluster.attempt(() => desk.accept(agentId, offer.offerId), load.chaos);
        else if (roll < 0.85)
          await cluster.attempt(() => desk.reject(agentId, offer.offerId), load.chaos);
        else if (roll < 0.9)
          await cluster.attempt(() => desk.unreachable(agentId, offer.offerId, 2_000), load.chaos);
      }
      for (const contact of status.contacts) {
        if (eager || next() < 0.5) {
          await cluster.attempt(() => desk.complete(agentId, contact.contactId), load.chaos);
        }
      }
    }, load.chaos);
  }
}

async function runLoad(cluster: Cluster, load: Load, seed: number, millis: number) {
  const until = Date.now() + millis;
  const workers = 4;
  const stopper = (async () => {
    try {
      while (Date.now() < until) {
        cluster.clock.advance(1_000);
        await cluster.attempt(() => cluster.client(0).deadlines.fireDue(), load.chaos);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      // Even when a step throws, the workers must stop: a load loop left
      // running after a failed test spins its worker process forever.
      load.stop = true;
    }
  })();
  const agents = Array.from({ length: workers }, async (_, w) => {
    const next = random(seed + 100 + w);
    while (!load.stop) {
      await actAsAgents(cluster, load, w, workers, next);
      await yieldToTimers();
    }
  });
  const producers = Array.from({ length: 3 }, (_, w) =>
    produce(cluster, load, w, random(seed + w)),
  );
  try {
    await Promise.all([stopper, ...agents, ...producers]);
  } finally {
    load.stop = true;
    await Promise.allSettled([stopper, ...agents, ...producers]);
  }
  load.stop = false;
}

/**
 * Serves everyone left: agents answer everything until every line is empty.
 * How many contacts the load left depends on how fast the machine ran it, so
 * the bound is progress, not a number of rounds: it fails once 50 rounds in a
 * row leave as many contacts waiting or held as before.
 */
async function drain(cluster: Cluster, load: Load): Promise<void> {
  const next = random(1);
  let last: { waiting: number[]; busy: number } | undefined;
  let best = Number.POSITIVE_INFINITY;
  let stalled = 0;
  while (stalled < 50) {
    await actAsAgents(cluster, load, 0, 1, next, true);
    const waiting = await Promise.all(
      queues.map(
        async ({ queueId }) => (await cluster.client(0).insight.snapshot(queueId)).waiting,
      ),
    );
    const busy = await Promise.all(
      Array.from({ length: agentCount }, async (_, i) => {
        const status = await cluster.client(0).desk.status(`agent${i}`);
        return status.offers.length + status.contacts.length;
      }),
    );
    if ([...waiting, ...busy].every((n) => n === 0)) return;
    last = { waiting, busy: busy.reduce((a, b) => a + b, 0) };
    const left = last.busy + waiting.reduce((a, b) => a + b, 0);
    if (left < best) {
      best = left;
      stalled = 0;
    } else {
      stalled += 1;
    }
  }
  const states = await Promise.all(
    Array.from(
      { length: agentCount },
      async (_, i) => (await cluster.client(0).desk.status(`agent${i}`)).state,
    ),
  );
  throw new Error(`queues did not drain: ${JSON.stringify({ ...last, states })}`);
}

async function audit(cluster: Cluster) {
  const redis = cluster.testRedis.connect();
  const entries = await redis.xrange(cluster.client(0).commands.keys.events(), '-', '+');
  const events = entries.map(([id, fields]) => parseAcdEvent(id, fields));
  return auditRouting(events, {
    agentSkills: cluster.skills,
    agingStepMs: new Map(queues.map(({ queueId }) => [queueId, 60_000])),
  });
}

/** Every structure agrees with every other (the load has stopped, so the store is quiet). */
async function storeProblems(cluster: Cluster): Promise<string[]> {
  const client = cluster.client(0);
  return checkRoutingStore(client.commands.redis, client.commands.keys);
}

async function agentStates(cluster: Cluster): Promise<string[]> {
  return [
    ...new Set(
      await Promise.all(
        Array.from({ length: agentCount }, async (_, i) => {
          return (await cluster.client(0).desk.status(`agent${i}`)).state;
        }),
      ),
    ),
  ];
}

const clean = {
  doubleAssignments: 0,
  doubleOffers: 0,
  voiceOverloads: 0,
  lostContacts: 0,
  skillMismatches: 0,
  orderViolations: 0,
};

let cluster: Cluster;

afterEach(async () => {
  await cluster.close();
  await cluster.testRedis.cleanup();
});

describe('routing under concurrent load', () => {
  it('keeps every invariant while 8 clients hammer it', async () => {
    cluster = new Cluster(createTestRedis());
    cluster.connect(8);
    await cluster.setUp(random(7));
    const load: Load = { enqueued: [], stop: false, chaos: false };
    await runLoad(cluster, load, 11, 1_500);
    expect(await storeProblems(cluster)).toEqual([]);
    await drain(cluster, load);
    expect(await storeProblems(cluster)).toEqual([]);
    const result = await audit(cluster);
    expect(result).toMatchObject(clean);
    expect(result.contacts).toBeGreaterThan(200);
    expect(result.accepted).toBeGreaterThan(100);
    expect(await agentStates(cluster)).toEqual(['available']);
  });

  it('keeps every invariant when all connections drop mid-way and routing restarts', async () => {
    cluster = new Cluster(createTestRedis());
    cluster.connect(6);
    await cluster.setUp(random(9));
    const load: Load = { enqueued: [], stop: false, chaos: true };
    const dropped = runLoad(cluster, load, 21, 1_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = cluster.clients;
    // Commands on the wire when the connections drop: some ran in Redis and
    // lost only their reply, some never arrived. Either way nothing may break.
    const burst = before.map((client, i) =>
      cluster.attempt(
        () =>
          client.acd.enqueue({
            contactId: `burst-${i}`,
            channel: 'voice',
            queueId: 'q1',
            requiredSkills: [],
            priority: 3,
          }),
        true,
      ),
    );
    for (const client of before) client.commands.redis.disconnect();
    await Promise.all(burst);
    cluster.connect(6);
    await dropped;
    await Promise.all(before.map((client) => client.close()));
    const report = await cluster.client(0).reconciler.runOnce();
    expect(report.agentsChecked).toBe(agentCount);
    expect(await storeProblems(cluster)).toEqual([]);
    load.chaos = false;
    await runLoad(cluster, load, 31, 600);
    await drain(cluster, load);
    expect(await storeProblems(cluster)).toEqual([]);
    expect(await audit(cluster)).toMatchObject(clean);
    expect(await agentStates(cluster)).toEqual(['available']);
    expect(cluster.expectedErrors.get('unavailable') ?? 0).toBeGreaterThan(0);
  });
});
