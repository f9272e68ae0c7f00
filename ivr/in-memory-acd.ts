import { SwitchboardError } from '../platform/switchboard-error.ts';
import type {
  Acd,
  CancelReason,
  ContactRequest,
  ContactUpdate,
  QueuePlacement,
  SkillRequirement,
} from './acd.ts';
import type { CallClock } from './call-clock.ts';

export interface InMemoryQueueOptions {
  /** Longest a contact waits before overflowing or timing out; unlimited when absent. */
  readonly maxWaitSeconds?: number;
  /** Where contacts go when `maxWaitSeconds` passes; they leave the line when absent. */
  readonly overflowQueueId?: string;
  /** Average handle time used for wait estimates; default 180 s. */
  readonly averageHandleSeconds?: number;
}

export interface InMemoryAgentOptions {
  readonly queueIds: readonly string[];
  /** Skill name to level (1-10). */
  readonly skills?: Readonly<Record<string, number>>;
  /**
   * When set, the agent answers every offer after this long. When absent,
   * offers wait for {@link InMemoryAcd.acceptOffer} or ring out.
   */
  readonly answerAfterMs?: number;
}

interface Queue {
  readonly options: InMemoryQueueOptions;
}

interface Agent {
  readonly id: string;
  readonly options: InMemoryAgentOptions;
  state: 'available' | 'reserved' | 'busy' | 'break';
  /** The call the agent is engaged on outside the queues (`engage`). */
  engagedOn?: string;
}

interface Contact {
  request: ContactRequest;
  readonly arrival: number;
  state: 'waiting' | 'offered';
  callbackNumber?: string;
  offer?: { readonly offerId: string; readonly agentId: string; readonly timer: unknown };
  maxWaitTimer?: unknown;
}

/**
 * The ACD as a few maps in memory, with scriptable agents, for tests and the
 * flow simulator. Routing rules match what flows may rely on from any ACD:
 * contacts are served by priority (1 first), then by arrival; an offer goes
 * to the first available agent in the queue holding every required skill; an
 * unanswered offer rings out after `ringTimeoutMs`, the contact waits again and
 * the agent goes on break.
 *
 * @example
 * const acd = new InMemoryAcd({ clock });
 * acd.addQueue('support');
 * acd.addAgent('alice', { queueIds: ['support'], skills: { english: 5 }, answerAfterMs: 8000 });
 */
export class InMemoryAcd implements Acd {
  private readonly clock: CallClock;
  private readonly ringTimeoutMs: number;
  private readonly queues = new Map<string, Queue>();
  private readonly agents = new Map<string, Agent>();
  private readonly contacts = new Map<string, Contact>();
  private readonly watchers = new Map<string, Set<(update: ContactUpdate) => void>>();
  private arrivals = 0;
  private offers = 0;

  constructor(options: { readonly clock: CallClock; readonly ringTimeoutMs?: number }) {
    this.clock = options.clock;
    this.ringTimeoutMs = options.ringTimeoutMs ?? 20_000;
  }

  addQueue(queueId: string, options: InMemoryQueueOptions = {}): void {
    this.queues.set(queueId, { options });
  }

  /** Logs an agent in, available; waiting contacts are offered to them at once. */
  addAgent(agentId: string, options: InMemoryAgentOptions): void {
    this.agents.set(agentId, { id: agentId, options, state: 'available' });
    this.dispatch();
  }

  /** The agent answers the offer; the contact leaves the line. */
  acceptOffer(offerId: string): void {
    for (const [contactId, contact] of this.contacts) {
      if (contact.offer?.offerId !== offerId) continue;
      const { agentId, timer } = contact.offer;
      this.clock.clearTimeout(timer);
      this.remove(contactId);
      const agent = this.agents.get(agentId);
      if (agent !== undefined) agent.state = 'busy';
      this.notify(contactId, { kind: 'accepted', agentId, offerId });
      return;
    }
    throw new SwitchboardError('not_found', `no pending offer ${offerId}`);
  }

  /**
   * Marks an available agent busy on a call no queue offered them (routing's
   * `AgentDesk.engage`); again on the same call is a no-op. `conflict` when
   * the agent is ringing, connected, on break or engaged on another call.
   */
  engage(agentId: string, callId: string): void {
    const agent = this.agents.get(agentId);
    if (agent === undefined) throw new SwitchboardError('not_found', `no agent ${agentId}`);
    if (agent.engagedOn === callId) return;
    if (agent.state !== 'available') {
      throw new SwitchboardError('conflict', `agent ${agentId} is ${agent.state}`, {
        reason: agent.state === 'reserved' ? 'ringing' : agent.state,
      });
    }
    agent.engagedOn = callId;
    agent.state = 'busy';
  }

  /** Ends the engagement: the agent is available and offered what waits. */
  release(agentId: string, callId: string): void {
    const agent = this.agents.get(agentId);
    if (agent?.engagedOn !== callId) {
      throw new SwitchboardError('not_found', `agent ${agentId} is not engaged on ${callId}`);
    }
    agent.engagedOn = undefined;
    agent.state = 'available';
    this.dispatch();
  }

  /** Stops every timer; the twin is unusable afterwards. */
  close(): void {
    for (const contactId of [...this.contacts.keys()]) this.remove(contactId);
    this.watchers.clear();
  }

  enqueue(contact: ContactRequest): Promise<QueuePlacement> {
    const queue = this.queues.get(contact.queueId);
    if (queue === undefined) {
      return Promise.reject(
        new SwitchboardError('not_found', `queue "${contact.queueId}" does not exist`),
      );
    }
    this.remove(contact.contactId);
    const entry: Contact = {
      request: contact,
      arrival: ++this.arrivals,
      state: 'waiting',
    };
    this.contacts.set(contact.contactId, entry);
    this.armMaxWait(contact.contactId, entry, queue.options);
    const placement = this.placement(contact.contactId);
    this.dispatch();
    return Promise.resolve(placement);
  }

  cancel(contactId: string, _reason: CancelReason): Promise<void> {
    const contact = this.contacts.get(contactId);
    if (contact?.offer !== undefined) {
      const agent = this.agents.get(contact.offer.agentId);
      if (agent !== undefined && agent.state === 'reserved') agent.state = 'available';
    }
    this.remove(contactId);
    this.dispatch();
    return Promise.resolve();
  }

  position(contactId: string): Promise<number | null> {
    return Promise.resolve(this.positionOf(contactId));
  }

  estimatedWaitSeconds(contactId: string): Promise<number | null> {
    const contact = this.contacts.get(contactId);
    const position = this.positionOf(contactId);
    if (contact === undefined || position === null) return Promise.resolve(null);
    return Promise.resolve(this.estimate(contact.request.queueId, position));
  }

  queueEstimatedWaitSeconds(queueId: string): Promise<number> {
    const waiting = this.line(queueId).length;
    const idle = this.qualifiedAgents(queueId, []).filter((a) => a.state === 'available').length;
    if (waiting === 0 && idle > 0) return Promise.resolve(0);
    return Promise.resolve(this.estimate(queueId, waiting + 1));
  }

  requestCallback(contactId: string, callbackNumber: string): Promise<void> {
    const contact = this.contacts.get(contactId);
    if (contact === undefined) {
      return Promise.reject(
        new SwitchboardError('not_found', `contact ${contactId} is not waiting`),
      );
    }
    contact.callbackNumber = callbackNumber;
    return Promise.resolve();
  }

  /** The number an agent's offer will dial for a callback, if one was requested. */
  callbackNumberOf(contactId: string): string | undefined {
    return this.contacts.get(contactId)?.callbackNumber;
  }

  agentsAvailable(
    queueId: string,
    requiredSkills: readonly SkillRequirement[] = [],
  ): Promise<number> {
    const count = this.qualifiedAgents(queueId, requiredSkills).filter(
      (agent) => agent.state === 'available',
    ).length;
    return Promise.resolve(count);
  }

  watch(contactId: string, listener: (update: ContactUpdate) => void): () => void {
    const listeners = this.watchers.get(contactId) ?? new Set();
    listeners.add(listener);
    this.watchers.set(contactId, listeners);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.watchers.delete(contactId);
    };
  }

  private placement(contactId: string): QueuePlacement {
    const contact = this.contacts.get(contactId);
    const position = this.positionOf(contactId) ?? 1;
    const queueId = contact?.request.queueId ?? '';
    return { position, estimatedWaitSeconds: this.estimate(queueId, position) };
  }

  /** Waiting and ringing contacts of a queue, in the order they will be served. */
  private line(queueId: string): [string, Contact][] {
    return [...this.contacts]
      .filter(([, contact]) => contact.request.queueId === queueId)
      .sort(([, a], [, b]) => a.request.priority - b.request.priority || a.arrival - b.arrival);
  }

  private positionOf(contactId: string): number | null {
    const contact = this.contacts.get(contactId);
    if (contact === undefined) return null;
    return this.line(contact.request.queueId).findIndex(([id]) => id === contactId) + 1;
  }

  /** Position over staffed agents, times the average handle time. */
  private estimate(queueId: string, position: number): number {
    const handle = this.queues.get(queueId)?.options.averageHandleSeconds ?? 180;
    const staffed = this.qualifiedAgents(queueId, []).filter((a) => a.state !== 'break').length;
    return Math.ceil(position / Math.max(1, staffed)) * handle;
  }

  private qualifiedAgents(queueId: string, skills: readonly SkillRequirement[]): Agent[] {
    return [...this.agents.values()].filter(
      (agent) =>
        agent.options.queueIds.includes(queueId) &&
        skills.every((need) => (agent.options.skills?.[need.skill] ?? 0) >= need.minLevel),
    );
  }

  private dispatch(): void {
    const waiting = [...this.contacts]
      .filter(([, contact]) => contact.state === 'waiting')
      .sort(([, a], [, b]) => a.request.priority - b.request.priority || a.arrival - b.arrival);
    for (const [contactId, contact] of waiting) {
      const agent = this.qualifiedAgents(
        contact.request.queueId,
        contact.request.requiredSkills,
      ).find((candidate) => candidate.state === 'available');
      if (agent !== undefined) this.offer(contactId, contact, agent);
    }
  }

  private offer(contactId: string, contact: Contact, agent: Agent): void {
    const offerId = `offer-${++this.offers}`;
    agent.state = 'reserved';
    contact.state = 'offered';
    const answers = agent.options.answerAfterMs;
    const timer =
      answers !== undefined && answers < this.ringTimeoutMs
        ? this.clock.setTimeout(() => this.acceptOffer(offerId), answers)
        : this.clock.setTimeout(() => this.ringOut(contactId, offerId), this.ringTimeoutMs);
    contact.offer = { offerId, agentId: agent.id, timer };
    this.notify(contactId, { kind: 'offered', agentId: agent.id, offerId });
  }

  private ringOut(contactId: string, offerId: string): void {
    const contact = this.contacts.get(contactId);
    if (contact?.offer?.offerId !== offerId) return;
    const { agentId } = contact.offer;
    contact.offer = undefined;
    contact.state = 'waiting';
    const agent = this.agents.get(agentId);
    if (agent !== undefined) agent.state = 'break';
    this.notify(contactId, { kind: 'requeued', agentId, offerId });
    this.dispatch();
  }

  private armMaxWait(contactId: string, contact: Contact, options: InMemoryQueueOptions): void {
    if (options.maxWaitSeconds === undefined) return;
    // Each queue's limit counts from when the contact joined that queue.
    contact.maxWaitTimer = this.clock.setTimeout(
      () => this.maxWaitPassed(contactId, options),
      options.maxWaitSeconds * 1000,
    );
  }

  private maxWaitPassed(contactId: string, options: InMemoryQueueOptions): void {
    const contact = this.contacts.get(contactId);
    if (contact === undefined || contact.state !== 'waiting') return;
    const target = options.overflowQueueId;
    const overflow = target === undefined ? undefined : this.queues.get(target);
    if (target === undefined || overflow === undefined) {
      this.remove(contactId);
      this.notify(contactId, { kind: 'timedOut' });
      return;
    }
    contact.request = { ...contact.request, queueId: target };
    contact.maxWaitTimer = undefined;
    this.armMaxWait(contactId, contact, overflow.options);
    this.notify(contactId, { kind: 'overflowed', toQueueId: target });
    this.dispatch();
  }

  private remove(contactId: string): void {
    const contact = this.contacts.get(contactId);
    if (contact === undefined) return;
    if (contact.offer !== undefined) this.clock.clearTimeout(contact.offer.timer);
    if (contact.maxWaitTimer !== undefined) this.clock.clearTimeout(contact.maxWaitTimer);
    this.contacts.delete(contactId);
  }

  private notify(contactId: string, update: ContactUpdate): void {
    for (const listener of [...(this.watchers.get(contactId) ?? [])]) listener(update);
  }
}
