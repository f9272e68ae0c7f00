/**
 * ACD benchmark: Switchboard's Redis routing against two baselines built the
 * way the anchors work, on the same real Redis, same seeded workload, same run.
 *
 *   npm run bench:acd -- [--agents 2000] [--backlog 20000] [--rate 3000] [--seconds 6] [--seed 42]
 *
 * Scenario A (backlog): 2,000 agents with 1-4 of 20 skills (levels 1-10),
 * 20,000 contacts waiting (one required skill at level 1-5, priority 1-5),
 * arrivals at a steady rate, every agent answers at once and talks for a
 * fixed time, so completions arrive at a steady rate too. Measures
 * assignments per second and decision latency: from the triggering event
 * (an agent's completion reaching routing) to the committed reservation.
 *   - ours: the completion script reserves the next contact itself; latency is
 *     that command's round trip, measured only when it reserved.
 *   - mod_callcenter-style: every 100 ms one Lua tick re-scores every waiting
 *     contact (aging needs it) and assigns free agents in score order;
 *     latency is agent-free to the end of the tick that assigned it.
 *   - jambonz-style: a sorted set; a freed agent dequeues at once with a
 *     non-atomic read-then-remove, and if nothing fits polls again every 5 s;
 *     latency is agent-free to the removal.
 * Scenario B (idle agents): 200 agents waiting, 40 arrivals/s; latency from
 * the arrival to the reservation, where the 100 ms tick and the 5 s poll show.
 *
 * Everything runs under its own key prefix, deleted at the end.
 */
import { Redis } from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { systemClock } from '../platform/clock.ts';
import { uuidGenerator } from '../platform/id-generator.ts';
import { createLogger } from '../platform/logger.ts';
import type { OfferNotice } from '../routing/acd-commands.ts';
import { parseAcdEvent, type AcdEvent } from '../routing/acd-event.ts';
import { auditRouting, type RoutingAudit } from '../routing/audit/routing-audit.ts';
import { createRedisRouting } from '../routing/create-redis-routing.ts';

// ---------------------------------------------------------------- settings

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

const settings = {
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  agents: flag('agents', 2_000),
  skills: 20,
  backlog: flag('backlog', 20_000),
  arrivalsPerSecond: flag('rate', 3_000),
  /** Mean talk time; each contact talks uniformly 0.5-1.5 times this, so completions spread out. */
  talkMs: 600,
  warmupSeconds: 1,
  seconds: flag('seconds', 6),
  seed: flag('seed', 42),
  agingStepMs: 60_000,
  sparseAgents: 200,
  sparseArrivalsPerSecond: 40,
};

// ---------------------------------------------------------------- workload

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface BenchAgent {
  readonly id: string;
  readonly skills: Record<string, number>;
}
interface BenchContact {
  readonly id: string;
  readonly skill: string;
  readonly minLevel: number;
  readonly priority: number;
}

function makeAgents(count: number, next: () => number): BenchAgent[] {
  return Array.from({ length: count }, (_, i) => {
    const skills: Record<string, number> = {};
    const held = 1 + Math.floor(next() * 4);
    while (Object.keys(skills).length < held) {
      skills[`s${Math.floor(next() * settings.skills)}`] = 1 + Math.floor(next() * 10);
    }
    return { id: `agent${i}`, skills };
  });
}

function contactSource(prefix: string, next: () => number): () => BenchContact {
  let n = 0;
  return () => {
    n += 1;
    return {
      id: `${prefix}${n}`,
      skill: `s${Math.floor(next() * settings.skills)}`,
      minLevel: 1 + Math.floor(next() * 5),
      priority: 1 + Math.floor(next() * 5),
    };
  };
}

function qualifies(agent: BenchAgent, contact: BenchContact): boolean {
  return (agent.skills[contact.skill] ?? 0) >= contact.minLevel;
}

// ---------------------------------------------------------------- measuring

interface Result {
  readonly system: string;
  readonly assignments: number;
  readonly seconds: number;
  /** Redis CPU (user + sys) spent during the measured window. */
  readonly redisCpuSeconds: number;
  readonly latenciesMs: number[];
  readonly counters: Record<string, number>;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return (
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
  );
}

function summary(result: Result) {
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  return {
    perSecond: result.assignments / result.seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    samples: sorted.length,
  };
}

/** Redis server CPU seconds so far: where the routing work itself runs. */
async function redisCpu(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}

/** Talk times, the same sequence for every system. */
function talkSource(): () => number {
  const next = seeded(settings.seed + 3);
  return () => settings.talkMs * (0.5 + next());
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `tick` at a steady rate for `seconds`, `perSecond` times a second,
 * checking every millisecond (the timer's floor), so arrivals come a few at a
 * time rather than in bursts of 30 every 10 ms.
 */
async function steady(perSecond: number, seconds: number, tick: (count: number) => void) {
  const start = performance.now();
  let issued = 0;
  while (performance.now() - start < seconds * 1000) {
    const due = Math.floor(((performance.now() - start) / 1000) * perSecond);
    if (due > issued) {
      tick(due - issued);
      issued = due;
    }
    await sleep(1);
  }
}

async function inBatches<T>(
  items: readonly T[],
  size: number,
  each: (item: T) => Promise<unknown>,
) {
  for (let i = 0; i < items.length; i += size)
    await Promise.all(items.slice(i, i + size).map(each));
}

async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

// ---------------------------------------------------------------- ours

async function runOurs(prefix: string, agents: BenchAgent[], sparse: boolean): Promise<Result> {
  const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: null });
  const routing = createRedisRouting({
    redis,
    blockingRedis: new Redis(settings.redisUrl, { maxRetriesPerRequest: null }),
    keyPrefix: prefix,
    clock: systemClock,
    ids: uuidGenerator,
    logger: createLogger({ level: 'silent' }),
  });
  const next = seeded(settings.seed + 1);
  const talkTime = talkSource();
  const newContact = contactSource('c', next);
  const latencies: number[] = [];
  let measuring = false;
  let stopping = false;
  const enqueue = async (contact: BenchContact) => {
    const started = performance.now();
    const placed = await routing.acd.place({
      contactId: contact.id,
      channel: 'voice',
      queueId: 'bench',
      requiredSkills: [{ skill: contact.skill, minLevel: contact.minLevel }],
      priority: contact.priority,
    });
    return { ms: performance.now() - started, offers: placed.offers };
  };
  const failures: unknown[] = [];
  const fail = (error: unknown) => {
    if (!stopping) failures.push(error);
  };
  // Operations in flight; the audit waits for none, so it reads a quiet store.
  let inFlight = 0;
  const track = <T>(operation: Promise<T>): Promise<T> => {
    inFlight += 1;
    return operation.finally(() => {
      inFlight -= 1;
    });
  };

  await routing.admin.configureQueue({
    queueId: 'bench',
    ringTimeoutSeconds: 600,
    maxConsecutiveMisses: 0,
    priorityAgingSeconds: settings.agingStepMs / 1000,
  });
  await inBatches(agents, 100, (agent) =>
    routing.admin.configureAgent({
      agentId: agent.id,
      skills: agent.skills,
      queues: [{ queueId: 'bench' }],
    }),
  );
  if (!sparse) {
    const backlog = Array.from({ length: settings.backlog }, newContact);
    await inBatches(backlog, 500, enqueue);
  }

  // The agents' desktops: answer each offer at once, talk, complete. Offers
  // come back in the reply of the command that made them (production
  // desktops get the same offers from the event stream).
  let offersInWindow = 0;
  const ring = (offer: OfferNotice): void => {
    if (measuring) offersInWindow += 1;
    track(routing.desk.accept(offer.agentId, offer.offerId))
      .then(() => sleep(talkTime()))
      .then(async () => {
        if (stopping) return;
        const started = performance.now();
        const completed = await track(routing.desk.complete(offer.agentId, offer.contactId));
        if (measuring && !sparse && completed.offers.length > 0) {
          latencies.push(performance.now() - started);
        }
        completed.offers.forEach(ring);
      })
      .catch(fail);
  };
  await inBatches(agents, 100, async (agent) => {
    await routing.desk.logIn(agent.id);
    for (const offer of (await routing.desk.status(agent.id)).offers) {
      ring({ offerId: offer.offerId, agentId: agent.id, contactId: offer.contactId });
    }
  });

  const rate = sparse ? settings.sparseArrivalsPerSecond : settings.arrivalsPerSecond;
  const arrive = (count: number): void => {
    for (let i = 0; i < count; i += 1) {
      track(enqueue(newContact()))
        .then(({ ms, offers }) => {
          // In the idle scenario the enqueue script itself reserves the agent.
          if (sparse && measuring && offers.length > 0) latencies.push(ms);
          offers.forEach(ring);
        })
        .catch(fail);
    }
  };
  // Warm-up: logins ring every agent at once; let the waves spread out.
  await steady(rate, settings.warmupSeconds, arrive);
  measuring = true;
  const cpuBefore = await redisCpu(redis);
  await steady(rate, settings.seconds, arrive);
  measuring = false;
  const redisCpuSeconds = (await redisCpu(redis)) - cpuBefore;
  stopping = true;
  while (inFlight > 0) await sleep(20);

  const entries = await redis.xrange(routing.commands.keys.events(), '-', '+');
  const events: AcdEvent[] = entries.map(([id, fields]) => parseAcdEvent(id, fields));
  const line = await redis.zrange(routing.commands.keys.queueLine('bench'), 0, -1);
  const audit: RoutingAudit = auditRouting(events, {
    agentSkills: new Map(agents.map((a) => [a.id, a.skills])),
    agingStepMs: new Map([['bench', settings.agingStepMs]]),
    stillPresent: new Set(line.map((ticket) => ticket.slice(12))),
  });
  await routing.close();
  redis.disconnect();
  return {
    system: 'switchboard',
    assignments: offersInWindow,
    seconds: settings.seconds,
    redisCpuSeconds,
    latenciesMs: latencies,
    counters: {
      doubleAssignments: audit.doubleAssignments,
      doubleOffers: audit.doubleOffers,
      voiceOverloads: audit.voiceOverloads,
      lostContacts: audit.lostContacts,
      skillMismatches: audit.skillMismatches,
      orderViolations: audit.orderViolations,
      clientErrors: failures.length,
    },
  };
}

// ---------------------------------------------------------------- mod_callcenter-style

/**
 * One tick, the mod_callcenter way: recompute every waiting member's score
 * (effective wait = now - enqueuedAt - (priority - 1) * step, the same aging
 * rule as ours, which is why a poller must re-score), then walk members best
 * first and give each the first free agent with the skill.
 *   KEYS[1] waiting hash id -> "enqueuedAt,priority,skill,minLevel"
 *   KEYS[2] score sorted set   KEYS[3] free agents set   KEYS[4] agent skills hash
 *   ARGV[1] now  ARGV[2] aging step ms
 *   Returns flat list contactId, agentId, ...
 */
const callcenterTick = `
local now, step = tonumber(ARGV[1]), tonumber(ARGV[2])
local waiting = redis.call('HGETALL', KEYS[1])
local info = {}
local args = {}
for i = 1, #waiting, 2 do
  local enq, prio, skill, level = string.match(waiting[i + 1], '^([^,]+),([^,]+),([^,]+),([^,]+)$')
  info[waiting[i]] = { skill, tonumber(level) }
  args[#args + 1] = -((now - tonumber(enq)) - (tonumber(prio) - 1) * step)
  args[#args + 1] = waiting[i]
  if #args >= 4000 then redis.call('ZADD', KEYS[2], unpack(args)); args = {} end
end
if #args > 0 then redis.call('ZADD', KEYS[2], unpack(args)) end
local free = redis.call('SMEMBERS', KEYS[3])
if #free == 0 then return {} end
local skills = {}
for _, a in ipairs(free) do
  local t = {}
  for s, l in string.gmatch(redis.call('HGET', KEYS[4], a), '([^:,]+):(%d+)') do t[s] = tonumber(l) end
  skills[a] = t
end
local out = {}
local remaining = #free
for _, c in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local need = info[c]
  for i, a in ipairs(free) do
    if a ~= false and (skills[a][need[1]] or 0) >= need[2] then
      out[#out + 1] = c; out[#out + 1] = a
      free[i] = false
      remaining = remaining - 1
      redis.call('HDEL', KEYS[1], c); redis.call('ZREM', KEYS[2], c); redis.call('SREM', KEYS[3], a)
      break
    end
  end
  if remaining == 0 then break end
end
return out
`;

async function runCallcenter(
  prefix: string,
  agents: BenchAgent[],
  sparse: boolean,
): Promise<Result> {
  const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: null });
  const keys = [`${prefix}waiting`, `${prefix}scores`, `${prefix}free`, `${prefix}skills`];
  const next = seeded(settings.seed + 1);
  const talkTime = talkSource();
  const newContact = contactSource('c', next);
  const freeSince = new Map<string, number>();
  const arrivedAt = new Map<string, number>();
  const assigned = new Map<string, number>();
  const latencies: number[] = [];
  let assignments = 0;
  let measuring = false;
  let running = true;
  let skillMismatches = 0;
  const byId = new Map(agents.map((a) => [a.id, a]));
  const contacts = new Map<string, BenchContact>();

  const enqueue = async (contact: BenchContact) => {
    contacts.set(contact.id, contact);
    arrivedAt.set(contact.id, performance.now());
    await redis.hset(
      keys[0] as string,
      contact.id,
      `${Date.now()},${contact.priority},${contact.skill},${contact.minLevel}`,
    );
  };
  await inBatches(agents, 500, (agent) =>
    redis.hset(
      keys[3] as string,
      agent.id,
      Object.entries(agent.skills)
        .map(([s, l]) => `${s}:${l}`)
        .join(','),
    ),
  );
  if (!sparse) await inBatches(Array.from({ length: settings.backlog }, newContact), 500, enqueue);
  const free = async (agentId: string) => {
    freeSince.set(agentId, performance.now());
    await redis.sadd(keys[2] as string, agentId);
  };
  await inBatches(agents, 500, (agent) => free(agent.id));

  const ticker = (async () => {
    while (running) {
      const started = performance.now();
      const out = (await redis.eval(
        callcenterTick,
        4,
        ...keys,
        Date.now(),
        settings.agingStepMs,
      )) as string[];
      const done = performance.now();
      for (let i = 0; i + 1 < out.length; i += 2) {
        const contactId = out[i] as string;
        const agentId = out[i + 1] as string;
        assigned.set(contactId, (assigned.get(contactId) ?? 0) + 1);
        const contact = contacts.get(contactId);
        const agent = byId.get(agentId);
        if (contact && agent && !qualifies(agent, contact)) skillMismatches += 1;
        if (measuring) {
          assignments += 1;
          const from = sparse ? arrivedAt.get(contactId) : freeSince.get(agentId);
          if (from !== undefined) latencies.push(done - from);
        }
        setTimeout(() => {
          if (running) free(agentId).catch(() => undefined);
        }, talkTime());
      }
      await sleep(Math.max(0, 100 - (performance.now() - started)));
    }
  })();

  const rate = sparse ? settings.sparseArrivalsPerSecond : settings.arrivalsPerSecond;
  const arrive = (count: number): void => {
    for (let i = 0; i < count; i += 1) enqueue(newContact()).catch(() => undefined);
  };
  // Warm-up: logins ring every agent at once; let the waves spread out.
  await steady(rate, settings.warmupSeconds, arrive);
  measuring = true;
  const cpuBefore = await redisCpu(redis);
  await steady(rate, settings.seconds, arrive);
  measuring = false;
  const redisCpuSeconds = (await redisCpu(redis)) - cpuBefore;
  running = false;
  await ticker;
  redis.disconnect();
  return {
    system: 'mod_callcenter-style (re-score all every 100 ms)',
    assignments,
    seconds: settings.seconds,
    redisCpuSeconds,
    latenciesMs: latencies,
    counters: {
      doubleAssignments: [...assigned.values()].filter((n) => n > 1).length,
      skillMismatches,
    },
  };
}

// ---------------------------------------------------------------- jambonz-style

async function runJambonz(prefix: string, agents: BenchAgent[], sparse: boolean): Promise<Result> {
  const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: null });
  const queueKey = `${prefix}queue`;
  const next = seeded(settings.seed + 1);
  const talkTime = talkSource();
  const newContact = contactSource('c', next);
  const arrivedAt = new Map<string, number>();
  const assigned = new Map<string, number>();
  const latencies: number[] = [];
  let assignments = 0;
  let measuring = false;
  let running = true;
  const timers = new Set<NodeJS.Timeout>();

  // Members carry what the agent needs to pick: id|skill|minLevel.
  const enqueue = async (contact: BenchContact) => {
    arrivedAt.set(contact.id, performance.now());
    await redis.zadd(
      queueKey,
      contact.priority * 1e13 + Date.now(),
      `${contact.id}|${contact.skill}|${contact.minLevel}`,
    );
  };
  if (!sparse) await inBatches(Array.from({ length: settings.backlog }, newContact), 500, enqueue);

  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (running) run();
    }, ms);
    timers.add(timer);
  };

  // A free agent's dequeue: look, then remove (two round trips, not atomic),
  // and when nothing fits, try again in 5 s.
  const dequeue = (agent: BenchAgent, freeAt: number): void => {
    (async () => {
      const head = await redis.zrange(queueKey, 0, 499);
      const pick = head.find((member) => {
        const [, skill, level] = member.split('|');
        return (agent.skills[skill ?? ''] ?? 0) >= Number(level);
      });
      if (!pick) {
        later(5_000, () => dequeue(agent, freeAt));
        return;
      }
      const removed = await redis.zrem(queueKey, pick);
      const now = performance.now();
      const contactId = pick.split('|')[0] ?? '';
      // A zero here means another agent took the same caller between the two
      // commands: both now think they have it.
      assigned.set(contactId, (assigned.get(contactId) ?? 0) + (removed === 1 ? 1 : 2));
      if (measuring) {
        assignments += 1;
        const from = sparse ? arrivedAt.get(contactId) : freeAt;
        if (from !== undefined) latencies.push(now - from);
      }
      later(talkTime(), () => dequeue(agent, performance.now()));
    })().catch(() => undefined);
  };

  const phase = seeded(settings.seed + 2);
  for (const agent of agents) {
    if (sparse) later(Math.floor(phase() * 5_000), () => dequeue(agent, performance.now()));
    else dequeue(agent, performance.now());
  }

  const rate = sparse ? settings.sparseArrivalsPerSecond : settings.arrivalsPerSecond;
  const arrive = (count: number): void => {
    for (let i = 0; i < count; i += 1) enqueue(newContact()).catch(() => undefined);
  };
  // Warm-up: logins ring every agent at once; let the waves spread out.
  await steady(rate, settings.warmupSeconds, arrive);
  measuring = true;
  const cpuBefore = await redisCpu(redis);
  await steady(rate, settings.seconds, arrive);
  measuring = false;
  const redisCpuSeconds = (await redisCpu(redis)) - cpuBefore;
  running = false;
  for (const timer of timers) clearTimeout(timer);
  await sleep(100);
  redis.disconnect();
  return {
    system: 'jambonz-style (sorted set, non-atomic pop, 5 s poll)',
    assignments,
    seconds: settings.seconds,
    redisCpuSeconds,
    latenciesMs: latencies,
    counters: {
      doubleAssignments: [...assigned.values()].filter((n) => n > 1).length,
      skillMismatches: 0,
    },
  };
}

// ---------------------------------------------------------------- report

function fmt(n: number, digits = 2): string {
  return Number.isNaN(n) ? 'n/a' : n.toFixed(digits);
}

function report(title: string, results: readonly Result[]): void {
  console.log(`\n${title}`);
  const rows = results.map((r) => ({ r, s: summary(r) }));
  for (const { r, s } of rows) {
    console.log(
      `  ${r.system}\n    assignments/s ${fmt(s.perSecond, 0)}  (${r.assignments} in ${r.seconds} s)` +
        `  latency ms p50 ${fmt(s.p50)}  p99 ${fmt(s.p99)}  p99.9 ${fmt(s.p999)}  (${s.samples} samples)` +
        `\n    Redis CPU ${fmt(r.redisCpuSeconds)} s` +
        (r.assignments > 0
          ? ` (${fmt((r.redisCpuSeconds / r.assignments) * 1e6, 0)} µs per assignment)`
          : '') +
        `  counters ${JSON.stringify(r.counters)}`,
    );
  }
  const ours = rows[0];
  if (!ours) return;
  for (const { r, s } of rows.slice(1)) {
    console.log(
      `  ratio switchboard / ${r.system.split(' ')[0]}: throughput x${fmt(ours.s.perSecond / s.perSecond)}` +
        `, p99 latency x${fmt(s.p99 / ours.s.p99)} lower`,
    );
  }
}

async function main(): Promise<void> {
  const root = `sbbench:${randomBytes(4).toString('hex')}:`;
  const admin = new Redis(settings.redisUrl);
  const started = performance.now();
  console.log(`command: npm run bench:acd -- ${process.argv.slice(2).join(' ')}`.trimEnd());
  console.log(`workload: ${JSON.stringify({ ...settings, redisUrl: undefined })}`);
  console.log(
    `machine: ${cpus().length} cores, load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')} (other processes share the CPU and the Redis)`,
  );
  try {
    const agents = makeAgents(settings.agents, seeded(settings.seed));
    const backlog = [
      await runOurs(`${root}ours-a:`, agents, false),
      await runCallcenter(`${root}mcc-a:`, agents, false),
      await runJambonz(`${root}jz-a:`, agents, false),
    ];
    report(
      `A. backlog: ${settings.agents} agents, ${settings.backlog} waiting, ${settings.arrivalsPerSecond} arrivals/s; latency = agent free -> reservation; talk ${settings.talkMs / 2}-${settings.talkMs * 1.5} ms`,
      backlog,
    );
    const few = agents.slice(0, settings.sparseAgents);
    const idle = [
      await runOurs(`${root}ours-b:`, few, true),
      await runCallcenter(`${root}mcc-b:`, few, true),
      await runJambonz(`${root}jz-b:`, few, true),
    ];
    report(
      `B. idle agents: ${settings.sparseAgents} agents, ${settings.sparseArrivalsPerSecond} arrivals/s; latency = arrival -> reservation`,
      idle,
    );
    const ours = summary(backlog[0] as Result);
    const violations = Object.values((backlog[0] as Result).counters).reduce((a, b) => a + b, 0);
    console.log(
      `\ntargets (scenario A, switchboard): p99 <= 2 ms: ${ours.p99 <= 2 ? 'met' : 'MISSED'} (${fmt(ours.p99)})` +
        `; >= 3000 assignments/s: ${ours.perSecond >= 3000 ? 'met' : 'MISSED'} (${fmt(ours.perSecond, 0)})` +
        `; 0 violations: ${violations === 0 ? 'met' : 'MISSED'} (${violations})`,
    );
  } finally {
    await deletePrefix(admin, root);
    admin.disconnect();
    console.log(
      `run ${randomUUID().slice(0, 8)} took ${fmt((performance.now() - started) / 1000, 1)} s; keys under ${root} deleted`,
    );
  }
}

await main();
