import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../platform/switchboard-error.ts';
import type { Acd, ContactRequest, ContactUpdate } from './acd.ts';

/**
 * An {@link Acd} under test plus the set-up a test needs around it. Each
 * fixture is a fresh, empty ACD (for Redis: its own key prefix).
 *
 * @example
 * describeAcdContract('InMemoryAcd', async () => {
 *   const acd = new InMemoryAcd({ clock: systemCallClock });
 *   return { acd, addQueue: async (id) => acd.addQueue(id), ... };
 * });
 */
export interface AcdTestFixture {
  readonly acd: Acd;
  /** Creates an empty queue with default settings (no max wait, no overflow). */
  addQueue(queueId: string): Promise<void>;
  /**
   * Logs an agent in to `queueIds`, available, holding `skills` (name to
   * level 1-10). The agent does not answer offers until {@link acceptOffer}.
   */
  addAvailableAgent(
    agentId: string,
    queueIds: readonly string[],
    skills: Readonly<Record<string, number>>,
  ): Promise<void>;
  /** The agent answers the offer they are ringing with. */
  acceptOffer(agentId: string, offerId: string): Promise<void>;
  /**
   * Marks the agent busy on a call no queue offered them (click-to-dial, a
   * transfer to them): routing's `AgentDesk.engage`. Rejects with `conflict`
   * when the agent is ringing or connected.
   */
  engageAgent(agentId: string, callId: string): Promise<void>;
  /** Ends that engagement (no wrap-up configured here): the agent is free again. */
  releaseAgent(agentId: string, callId: string): Promise<void>;
  /** Stops timers and closes connections. */
  close(): Promise<void>;
}

function contact(contactId: string, overrides: Partial<ContactRequest> = {}): ContactRequest {
  return {
    contactId,
    channel: 'voice',
    queueId: 'support',
    requiredSkills: [],
    priority: 3,
    callerNumber: '+15550001111',
    ...overrides,
  };
}

/** Resolves with the first update of `kind` for `contactId`; register before acting. */
function nextUpdate<K extends ContactUpdate['kind']>(
  acd: Acd,
  contactId: string,
  kind: K,
): Promise<Extract<ContactUpdate, { kind: K }>> {
  return new Promise((resolve) => {
    const stop = acd.watch(contactId, (update) => {
      if (update.kind !== kind) return;
      stop();
      resolve(update as Extract<ContactUpdate, { kind: K }>);
    });
  });
}

/**
 * The behaviour flows rely on from any {@link Acd}: ordering, cancelling,
 * skills, offers, callbacks and wait estimates. The in-memory twin runs it in
 * `ivr/in-memory-acd.test.ts`; the Redis ACD runs it against a real Redis.
 */
export function describeAcdContract(
  name: string,
  createFixture: () => Promise<AcdTestFixture>,
): void {
  describe(`Acd contract: ${name}`, () => {
    const withFixture =
      (test: (fixture: AcdTestFixture) => Promise<void>) => async (): Promise<void> => {
        const fixture = await createFixture();
        try {
          await test(fixture);
        } finally {
          await fixture.close();
        }
      };

    it(
      'rejects a contact for a queue that does not exist with not_found',
      withFixture(async ({ acd }) => {
        const error: unknown = await acd.enqueue(contact('c1', { queueId: 'nowhere' })).then(
          () => undefined,
          (reason: unknown) => reason,
        );
        expect(error).toBeInstanceOf(SwitchboardError);
        expect((error as SwitchboardError).code).toBe('not_found');
      }),
    );

    it(
      'lines contacts up by priority, then by arrival',
      withFixture(async (fixture) => {
        await fixture.addQueue('support');
        const { acd } = fixture;
        expect((await acd.enqueue(contact('a'))).position).toBe(1);
        expect((await acd.enqueue(contact('b'))).position).toBe(2);
        expect((await acd.enqueue(contact('urgent', { priority: 1 }))).position).toBe(1);
        expect(await acd.position('urgent')).toBe(1);
        expect(await acd.position('a')).toBe(2);
        expect(await acd.position('b')).toBe(3);
      }),
    );

    it(
      'removes a cancelled contact, moves the rest up, and ignores a second cancel',
      withFixture(async (fixture) => {
        await fixture.addQueue('support');
        const { acd } = fixture;
        await acd.enqueue(contact('a'));
        await acd.enqueue(contact('b'));
        await acd.cancel('a', 'abandoned');
        await acd.cancel('a', 'abandoned');
        expect(await acd.position('a')).toBeNull();
        expect(await acd.estimatedWaitSeconds('a')).toBeNull();
        expect(await acd.position('b')).toBe(1);
      }),
    );

    it(
      'knows nothing of a contact that never queued',
      withFixture(async (fixture) => {
        await fixture.addQueue('support');
        expect(await fixture.acd.position('ghost')).toBeNull();
        expect(await fixture.acd.estimatedWaitSeconds('ghost')).toBeNull();
      }),
    );

    it(
      'counts available agents by queue and skill level',
      withFixture(async (fixture) => {
        await fixture.addQueue('support');
        await fixture.addQueue('sales');
        await fixture.addAvailableAgent('alice', ['support'], { english: 7, billing: 3 });
        await fixture.addAvailableAgent('bob', ['support', 'sales'], { english: 2 });
        const { acd } = fixture;
        expect(await acd.agentsAvailable('support')).toBe(2);
        expect(await acd.agentsAvailable('support', [{ skill: 'english', minLevel: 3 }])).toBe(1);
        expect(await acd.agentsAvailable('support', [{ skill: 'spanish', minLevel: 1 }])).toBe(0);
        expect(await acd.agentsAvailable('sales')).toBe(1);
      }),
    );

    it(
      'offers a contact to a qualified available agent and reports the accept',
      withFixture(async (fixture) => {
        await fixture.addQueue('support');
        await fixture.addAvailableAgent('alice', ['support'], { english: 5 });
        const { acd } = fixture;
        const offered = nextUpdate(acd, 'c1', 'offered');
        const accepted = nextUpdate(acd, 'c1', 'accepted');
        await acd.enqueue(contact('c1', { requiredSkills: [{ skill: 'english', minLevel: 3 }] }));
        const offer = await offered;
        expect(offer.agentId).toBe('alice');
        expect(await acd.agentsAvailable('support')).toBe(0);
        await fixture.acceptOffer('alice', offer.offerId);
        expect(await accepted).toEqual({
          kind: 'accepted',
          agentId: 'alice',
          offerId: offer.offerId,
        });
        expect(await acd.position('c1')).toBeNull();
      }),
    );

    it(
      'offers a contact that waited once a qualified agent logs in',
      withFixture(async (fixture) => {
        await fixture.addQueue('support');
        const { acd } = fixture;
        const offered = nextUpdate(acd, 'c1', 'offered');
        await acd.enqueue(contact('c1', { requiredSkills: [{ skill: 'billing', minLevel: 4 }] }));
        await fixture.addAvailableAgent('junior', ['support'], { billing: 2 });
        expect(await acd.position('c1')).toBe(1);
        await fixture.addAvailableAgent('senior', ['support'], { billing: 8 });
        expect((await offered).agentId).toBe('senior');
      }),
    );

    it(
      'keeps a callback contact in its place in line',
      withFixture(async (fixture) => {
        await fixture.addQueue('support');
        const { acd } = fixture;
        await acd.enqueue(contact('a'));
        await acd.enqueue(contact('b'));
        await acd.enqueue(contact('c'));
        await acd.requestCallback('b', '+15550009999');
        expect(await acd.position('b')).toBe(2);
        await acd.cancel('a', 'abandoned');
        expect(await acd.position('b')).toBe(1);
        const error: unknown = await acd.requestCallback('ghost', '+1555').then(
          () => undefined,
          (reason: unknown) => reason,
        );
        expect((error as SwitchboardError).code).toBe('not_found');
      }),
    );

    it(
      'estimates waits as non-negative seconds that do not shrink as the line grows',
      withFixture(async (fixture) => {
        await fixture.addQueue('support');
        const { acd } = fixture;
        const empty = await acd.queueEstimatedWaitSeconds('support');
        expect(empty).toBeGreaterThanOrEqual(0);
        const first = await acd.enqueue(contact('a'));
        await acd.enqueue(contact('b'));
        await acd.enqueue(contact('c'));
        const longer = await acd.queueEstimatedWaitSeconds('support');
        expect(longer).toBeGreaterThanOrEqual(empty);
        expect(first.estimatedWaitSeconds).toBeGreaterThanOrEqual(0);
        const third = await acd.estimatedWaitSeconds('c');
        expect(third).not.toBeNull();
        expect(third).toBeGreaterThanOrEqual((await acd.estimatedWaitSeconds('a')) ?? Infinity);
      }),
    );

    it(
      'stops reporting updates once the watcher unsubscribes',
      withFixture(async (fixture) => {
        await fixture.addQueue('support');
        const { acd } = fixture;
        const seen: ContactUpdate[] = [];
        const stop = acd.watch('c1', (update) => seen.push(update));
        stop();
        const offered = nextUpdate(acd, 'c1', 'offered');
        await acd.enqueue(contact('c1'));
        await fixture.addAvailableAgent('alice', ['support'], {});
        await offered;
        expect(seen).toEqual([]);
      }),
    );

    it(
      'offers an agent engaged outside the queue nothing until released, then the waiting contact',
      withFixture(async (fixture) => {
        await fixture.addQueue('support');
        const { acd } = fixture;
        await fixture.addAvailableAgent('alice', ['support'], {});
        await fixture.engageAgent('alice', 'dialled-1');
        await fixture.engageAgent('alice', 'dialled-1');
        expect(await acd.agentsAvailable('support')).toBe(0);
        const seen: ContactUpdate[] = [];
        acd.watch('c1', (update) => seen.push(update));
        await acd.enqueue(contact('c1'));
        expect(seen).toEqual([]);
        const offered = nextUpdate(acd, 'c1', 'offered');
        await fixture.releaseAgent('alice', 'dialled-1');
        expect((await offered).agentId).toBe('alice');
      }),
    );

    it(
      'refuses to engage an agent who is ringing or connected, with conflict',
      withFixture(async (fixture) => {
        await fixture.addQueue('support');
        const { acd } = fixture;
        const offered = nextUpdate(acd, 'c1', 'offered');
        await acd.enqueue(contact('c1'));
        await fixture.addAvailableAgent('alice', ['support'], {});
        const offer = await offered;
        await expect(fixture.engageAgent('alice', 'dialled-1')).rejects.toMatchObject({
          code: 'conflict',
        });
        await fixture.acceptOffer('alice', offer.offerId);
        await expect(fixture.engageAgent('alice', 'dialled-1')).rejects.toMatchObject({
          code: 'conflict',
        });
      }),
    );
  });
}
