/**
 * Every Redis key the ACD touches, built here and nowhere else (the Lua
 * scripts get the same builders rendered by {@link renderLuaKeyBuilders}).
 * All keys live under one configurable prefix, so several Switchboards (or
 * test files) can share a Redis without seeing each other.
 *
 * @example
 * const keys = new AcdKeys('sb:');
 * keys.contact('call-1'); // 'sb:acd:contact:call-1'
 */
const templates = {
  /** Stream of {@link AcdEvent}s. */
  events: 'events',
  /** Counter for contact tickets (first-in-first-out tie break). */
  ticketSeq: 'ticket-seq',
  /** Sorted set `kind|id` by due time (ms): every live timer, durable with the state it guards. */
  deadlines: 'deadlines',
  /** Set of configured queue ids. */
  queues: 'queues',
  /** Hash: queue configuration. */
  queue: 'queue:<queueId>',
  /** Set of agent ids that are members of the queue. */
  queueAgents: 'queue:<queueId>:agents',
  /** Sorted set ticket -> rank of every contact in line (waiting or ringing). */
  queueLine: 'queue:<queueId>:line',
  /** Sorted set ticket -> enqueue time, for the oldest wait. */
  queueArrivals: 'queue:<queueId>:arrivals',
  /** Hash of live counters: waiting per priority, agents per state, handle-time average. */
  queueStats: 'queue:<queueId>:stats',
  /** Hash of one UTC day's service-level counters. */
  queueDay: 'queue:<queueId>:day:<day>',
  /**
   * The first contact of every bucket whose first skill is `skill` ('*' for
   * none), as `<rank, 15 digits><ticket number, 12 digits><signature>`, all
   * at score 0 so they sort as text: best head first. An agent reads one
   * index per skill it holds instead of every bucket's head.
   */
  queueBucketHeads: 'queue:<queueId>:<channel>:firsts:<skill>',
  /**
   * The waiting contacts sharing one requirement signature, as
   * `<rank, 15 digits><ticket>`, all at score 0 so they sort as text in
   * (rank, ticket) order: first in, first out within a rank, and no score
   * to format or parse.
   */
  queueBucket: 'queue:<queueId>:<channel>:waiting:<signature>',
  /** Sorted set agent -> strategy score of agents that can take one more contact on the channel. */
  queueAvailable: 'queue:<queueId>:<channel>:available',
  /**
   * The same, restricted to agents holding `skill` at exactly `level`: a
   * contact needing level L looks only at the heads of sets L..10, never
   * at agents below the level.
   */
  queueAvailableSkill: 'queue:<queueId>:<channel>:available:<skill>:<level>',
  /** Set of configured agent ids. */
  agents: 'agents',
  /** Hash: agent profile, presence and load. */
  agent: 'agent:<agentId>',
  /** Hash skill -> level. */
  agentSkills: 'agent:<agentId>:skills',
  /** Hash queueId -> top-down position. */
  agentQueues: 'agent:<agentId>:queues',
  /** Set of ringing offer ids. */
  agentOffers: 'agent:<agentId>:offers',
  /** Set of connected contact ids. */
  agentContacts: 'agent:<agentId>:contacts',
  /** Hash: one contact. Contact ids come from SIP Call-IDs and may hold ':', so they end the key. */
  contact: 'contact:<contactId>',
  /** Set of ringing offer ids for the contact (more than one only for ring-all). */
  contactOffers: 'contact-offers:<contactId>',
  /** Hash: one offer. */
  offer: 'offer:<offerId>',
} as const;

type Templates = typeof templates;
type Placeholders<T extends string> = T extends `${string}<${infer P}>${infer Rest}`
  ? P | Placeholders<Rest>
  : never;
type Builder<T extends string> = [Placeholders<T>] extends [never]
  ? () => string
  : (...parts: string[]) => string;

export type AcdKeyName = keyof Templates;

/** Key builders for one prefix; each builder takes the template's placeholders in order. */
export type AcdKeys = { readonly [K in AcdKeyName]: Builder<Templates[K]> } & {
  readonly prefix: string;
};

const placeholder = /<([a-zA-Z]+)>/g;

function parts(template: string): string[] {
  return template.split(placeholder);
}

export function createAcdKeys(keyPrefix: string): AcdKeys {
  const root = `${keyPrefix}acd:`;
  const keys: Record<string, unknown> = { prefix: root };
  for (const [name, template] of Object.entries(templates)) {
    const pieces = parts(template);
    keys[name] = (...values: string[]): string => {
      let out = root;
      pieces.forEach((piece, i) => {
        out += i % 2 === 0 ? piece : (values[(i - 1) / 2] ?? '');
      });
      return out;
    };
  }
  return Object.freeze(keys) as AcdKeys;
}

/**
 * The same builders as Lua functions on a local table `K`, with the root
 * taken from the script's `P` (prefix) local. Prepended to every script so a
 * key name is spelled once, here.
 */
export function renderLuaKeyBuilders(): string {
  const lines = ['local K = {}'];
  for (const [name, template] of Object.entries(templates)) {
    const pieces = parts(template);
    const params = pieces.filter((_, i) => i % 2 === 1);
    const body = pieces
      .map((piece, i) => (i % 2 === 0 ? (piece === '' ? null : `'${piece}'`) : piece))
      .filter((piece): piece is string => piece !== null);
    lines.push(
      `K.${name} = function(${params.join(', ')}) return P .. ${['"acd:"', ...body].join(' .. ')} end`,
    );
  }
  return lines.join('\n');
}
