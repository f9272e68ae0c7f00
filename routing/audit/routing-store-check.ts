import type { Redis } from 'ioredis';
import type { AcdKeys } from '../acd-keys.ts';

const channels = ['voice', 'chat', 'email'] as const;

type Hash = Record<string, string>;

/**
 * Cross-checks every routing structure in Redis against the others, for a
 * quiet store (no operation running, e.g. after a test's load stopped): agent
 * load against its offers and contacts, the availability sets against
 * presence and load, stored agent states and the queues' counters against
 * what they summarise, buckets and their heads index against the contacts in
 * line, offers against their contacts, agents and ring deadlines. Returns one
 * line per problem found (none for a consistent store). Used by the
 * concurrency tests and the benchmark; the reads are not atomic, so a store
 * under load shows passing mismatches.
 */
export async function checkRoutingStore(redis: Redis, keys: AcdKeys): Promise<string[]> {
  const problems: string[] = [];
  const problem = (text: string) => {
    if (problems.length < 50) problems.push(text);
  };
  const deadlines = new Map<string, number>();
  const flatDeadlines = await redis.zrange(keys.deadlines(), 0, -1, 'WITHSCORES');
  for (let i = 0; i + 1 < flatDeadlines.length; i += 2) {
    deadlines.set(flatDeadlines[i] as string, Number(flatDeadlines[i + 1]));
  }
  const queueIds = await redis.smembers(keys.queues());
  const agentIds = await redis.smembers(keys.agents());
  const agentState = new Map<string, string>();
  const agentQueueSets = new Map<string, Hash>();
  const agentSkillSets = new Map<string, Hash>();
  const offersSeen = new Set<string>();

  for (const a of agentIds) {
    const agent: Hash = await redis.hgetall(keys.agent(a));
    const skills: Hash = await redis.hgetall(keys.agentSkills(a));
    const queues: Hash = await redis.hgetall(keys.agentQueues(a));
    agentSkillSets.set(a, skills);
    agentQueueSets.set(a, queues);
    const offers = await redis.smembers(keys.agentOffers(a));
    const contacts = await redis.smembers(keys.agentContacts(a));
    const load: Record<string, number> = { voice: 0, chat: 0, email: 0 };
    for (const o of offers) {
      offersSeen.add(o);
      const offer: Hash = await redis.hgetall(keys.offer(o));
      if (!offer.contactId) {
        problem(`agent ${a} lists offer ${o}, which does not exist`);
        continue;
      }
      if (offer.agentId !== a) problem(`agent ${a} lists offer ${o} made to ${offer.agentId}`);
      load[offer.channel ?? ''] = (load[offer.channel ?? ''] ?? 0) + 1;
      const state = await redis.hget(keys.contact(offer.contactId), 'state');
      if (state !== 'offered') {
        problem(`offer ${o} rings for contact ${offer.contactId} in state ${state}`);
      }
      if (!(await redis.sismember(keys.contactOffers(offer.contactId), o))) {
        problem(`offer ${o} is missing from contact ${offer.contactId}'s offers`);
      }
      if (!deadlines.has(`ring|${o}`)) problem(`offer ${o} has no ring deadline`);
    }
    for (const c of contacts) {
      const contact: Hash = await redis.hgetall(keys.contact(c));
      if (contact.state !== 'connected' || contact.agentId !== a) {
        problem(`agent ${a} lists contact ${c} (${contact.state ?? 'gone'}, ${contact.agentId})`);
      }
      load[contact.channel ?? ''] = (load[contact.channel ?? ''] ?? 0) + 1;
    }
    const engaged = (agent.engaged ?? '') !== '';
    if (engaged) load.voice = (load.voice ?? 0) + 1;
    const present =
      agent.loggedIn === '1' && agent.onBreak !== '1' && (agent.wrapToken ?? '') === '';
    let derived = 'available';
    if (agent.loggedIn !== '1') derived = 'offline';
    else if (agent.onBreak === '1') derived = engaged ? 'busy' : 'break';
    else if ((agent.wrapToken ?? '') !== '') derived = 'wrap-up';
    else if (offers.length > 0) derived = 'reserved';
    else if (contacts.length > 0 || engaged) derived = 'busy';
    const stored = agent.state ?? 'offline';
    agentState.set(a, stored);
    if (stored !== derived) problem(`agent ${a} is stored ${stored} but is ${derived}`);
    for (const ch of channels) {
      const held = Number(agent[`load:${ch}`] ?? 0);
      if (held !== load[ch]) problem(`agent ${a} ${ch} load ${held}, holds ${load[ch]}`);
      const backedOff = ch === 'voice' && Number(agent['backoff:voice'] ?? 0) > 0;
      const take = present && !backedOff && held < Number(agent[`cap:${ch}`] ?? 0);
      if ((agent[`in:${ch}`] === '1') !== take) {
        problem(`agent ${a} ${ch} membership flag ${agent[`in:${ch}`]} but can take: ${take}`);
      }
      for (const q of Object.keys(queues)) {
        const sets = [
          keys.queueAvailable(q, ch),
          ...Object.entries(skills).map(([s, l]) => keys.queueAvailableSkill(q, ch, s, l)),
        ];
        for (const set of sets) {
          const member = (await redis.zscore(set, a)) !== null;
          if (member !== take) problem(`agent ${a} in ${set}: ${member}, can take: ${take}`);
        }
      }
    }
    if ((agent.wrapToken ?? '') !== '' && !deadlines.has(`wrap|${a}`)) {
      problem(`agent ${a} is in wrap-up without a wrap deadline`);
    }
    if (Number(agent['backoff:voice'] ?? 0) > 0 && !deadlines.has(`backoff|${a}`)) {
      problem(`agent ${a} is backed off without a backoff deadline`);
    }
  }

  for (const q of queueIds) {
    const stats: Hash = await redis.hgetall(keys.queueStats(q));
    const members = new Set(await redis.smembers(keys.queueAgents(q)));
    const byState = new Map<string, number>();
    for (const a of agentIds) {
      if (!(q in (agentQueueSets.get(a) ?? {}))) continue;
      if (!members.has(a)) problem(`agent ${a} is missing from queue ${q}'s members`);
      const state = agentState.get(a) ?? 'offline';
      byState.set(state, (byState.get(state) ?? 0) + 1);
    }
    for (const state of ['offline', 'available', 'reserved', 'busy', 'wrap-up', 'break']) {
      const counted = Number(stats[`agents:${state}`] ?? 0);
      if (counted !== (byState.get(state) ?? 0)) {
        problem(`queue ${q} counts ${counted} agents ${state}, has ${byState.get(state) ?? 0}`);
      }
    }
    for (const ch of channels) {
      for (const a of await redis.zrange(keys.queueAvailable(q, ch), 0, -1)) {
        if (!(q in (agentQueueSets.get(a) ?? {}))) problem(`${q} ${ch} lists non-member ${a}`);
      }
    }
    const line = await redis.zrange(keys.queueLine(q), 0, -1, 'WITHSCORES');
    const arrivals = await redis.zcard(keys.queueArrivals(q));
    if (arrivals * 2 !== line.length) {
      problem(`queue ${q} has ${line.length / 2} in line, ${arrivals} arrivals`);
    }
    const waitingByPriority = new Map<string, number>();
    const inBuckets = new Map<string, string>();
    for (let i = 0; i + 1 < line.length; i += 2) {
      const ticket = line[i] as string;
      const c = ticket.slice(12);
      const contact: Hash = await redis.hgetall(keys.contact(c));
      if (contact.ticket !== ticket || contact.queueId !== q) {
        problem(`line ${q} lists ${ticket}, contact is ${contact.ticket} in ${contact.queueId}`);
        continue;
      }
      if (Number(contact.rank) !== Number(line[i + 1])) problem(`contact ${c} rank differs`);
      const p = contact.priority ?? '';
      waitingByPriority.set(p, (waitingByPriority.get(p) ?? 0) + 1);
      const bucket = keys.queueBucket(q, contact.channel ?? '', contact.sig ?? '');
      const member = waitKey(contact.rank ?? '', ticket);
      const inBucket = (await redis.zscore(bucket, member)) !== null;
      const offers = await redis.scard(keys.contactOffers(c));
      if (contact.state === 'waiting') {
        if (!inBucket) problem(`waiting contact ${c} is not in its bucket`);
        if (offers > 0) problem(`waiting contact ${c} has ${offers} offers`);
        if (Number(contact.deadline ?? 0) > 0 && contact.callback !== '1') {
          if (!deadlines.has(`maxwait|${c}`)) problem(`contact ${c} has no max-wait deadline`);
        }
        inBuckets.set(member, bucket);
      } else if (contact.state === 'offered') {
        if (inBucket) problem(`ringing contact ${c} is still in its bucket`);
        if (offers === 0) problem(`ringing contact ${c} has no offers`);
      } else {
        problem(`contact ${c} in line ${q} is ${contact.state}`);
      }
    }
    for (let p = 1; p <= 5; p += 1) {
      const counted = Number(stats[`waiting:${p}`] ?? 0);
      if (counted !== (waitingByPriority.get(String(p)) ?? 0)) {
        problem(
          `queue ${q} counts ${counted} in line at priority ${p}, has ${waitingByPriority.get(String(p)) ?? 0}`,
        );
      }
    }
    problems.push(...(await checkBuckets(redis, keys, q, inBuckets)));
  }
  for (const [member] of deadlines) {
    const [kind, id = ''] = member.split('|');
    if (kind === 'ring' && !offersSeen.has(id)) problem(`ring deadline for ended offer ${id}`);
  }
  return problems.slice(0, 50);
}

/** A waiting contact's bucket member: rank (15 digits), then ticket (see contact.lua). */
function waitKey(rank: string, ticket: string): string {
  return rank.padStart(15, '0') + ticket;
}

/**
 * Buckets hold exactly the waiting contacts, at score 0; the heads index
 * holds one entry per non-empty bucket, made of its first member.
 */
async function checkBuckets(
  redis: Redis,
  keys: AcdKeys,
  q: string,
  waiting: ReadonlyMap<string, string>,
): Promise<string[]> {
  const problems: string[] = [];
  for (const ch of channels) {
    const bucketPrefix = keys.queueBucket(q, ch, '');
    const headsPrefix = keys.queueBucketHeads(q, ch, '');
    const bucketKeys = await scanKeys(redis, `${escapeGlob(bucketPrefix)}*`);
    const headKeys = await scanKeys(redis, `${escapeGlob(headsPrefix)}*`);
    const heads = new Map<string, string[]>();
    for (const key of headKeys) {
      for (const entry of await redis.zrange(key, 0, -1)) {
        const sig = entry.slice(27);
        const first = sig === '' ? '*' : sig.slice(0, sig.indexOf(':'));
        if (key !== keys.queueBucketHeads(q, ch, first)) {
          problems.push(`${key} indexes ${sig}, which belongs under ${first}`);
        }
        heads.set(sig, [...(heads.get(sig) ?? []), entry]);
      }
    }
    for (const key of bucketKeys) {
      const sig = key.slice(bucketPrefix.length);
      const flat = await redis.zrange(key, 0, -1, 'WITHSCORES');
      for (let i = 0; i + 1 < flat.length; i += 2) {
        if (waiting.get(flat[i] as string) !== key) {
          problems.push(`bucket ${key} holds ${flat[i]}, which is not waiting there`);
        }
        if (flat[i + 1] !== '0') problems.push(`bucket ${key} scores ${flat[i]} ${flat[i + 1]}`);
      }
      const indexed = heads.get(sig) ?? [];
      heads.delete(sig);
      if (flat.length === 0) continue;
      const expected = (flat[0] as string).slice(0, 27) + sig;
      if (indexed.length !== 1 || indexed[0] !== expected) {
        problems.push(`bucket ${key} heads entry ${expected}, indexed ${JSON.stringify(indexed)}`);
      }
    }
    for (const [sig] of heads) problems.push(`heads index of ${q} ${ch} lists empty bucket ${sig}`);
  }
  return problems;
}

async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  return found;
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
