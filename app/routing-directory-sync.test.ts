// Real Postgres (cloned test database) and the real Redis ACD (own key prefix):
// queues and memberships edited in Postgres reach live routing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../platform/logger.ts';
import { createTestRouting, type TestRouting } from '../routing/test-routing.ts';
import { createTestDatabase, type TestDatabase } from '../test/test-database.ts';
import { RoutingDirectorySync } from './routing-directory-sync.ts';

let t: TestDatabase;
let routing: TestRouting;
let sync: RoutingDirectorySync;
let alice: string;
let support: string;

beforeAll(async () => {
  t = await createTestDatabase();
  routing = createTestRouting();
  sync = new RoutingDirectorySync(t.db, routing.admin, createLogger({ level: 'silent' }));
  const overflow = await t.db
    .insertInto('queues')
    .values({ name: 'support-overflow' })
    .returning('id')
    .executeTakeFirstOrThrow();
  support = (
    await t.db
      .insertInto('queues')
      .values({
        name: 'support',
        strategy: 'round-robin',
        ring_timeout_seconds: 15,
        overflow_queue_id: overflow.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  alice = (
    await t.db
      .insertInto('users')
      .values({ email: 'alice@example.com', display_name: 'Alice', role: 'agent' })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  const spanish = await t.db
    .insertInto('skills')
    .values({ name: 'spanish' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.db
    .insertInto('user_skills')
    .values({ user_id: alice, skill_id: spanish.id, level: 7 })
    .execute();
  await t.db.insertInto('queue_members').values({ queue_id: support, user_id: alice }).execute();
});

afterAll(async () => {
  await sync.stop();
  await routing.cleanup();
  await t.cleanup();
});

describe('routing directory sync', () => {
  it('copies queues and agents with skills, so a flow can enqueue by queue name and reach the agent', async () => {
    await sync.syncNow();
    await routing.desk.logIn(alice);
    expect(await routing.acd.agentsAvailable('support', [{ skill: 'spanish', minLevel: 5 }])).toBe(
      1,
    );
    expect(await routing.acd.agentsAvailable('support', [{ skill: 'spanish', minLevel: 8 }])).toBe(
      0,
    );
    const updates: string[] = [];
    const stop = routing.acd.watch('call-1', (u) => updates.push(u.kind));
    await routing.acd.enqueue({
      contactId: 'call-1',
      channel: 'voice',
      queueId: 'support',
      requiredSkills: [{ skill: 'spanish', minLevel: 5 }],
      priority: 3,
    });
    const offered = (await routing.events()).find((e) => e.type === 'contact.offered');
    expect(offered?.agentId).toBe(alice);
    expect(offered?.contactId).toBe('call-1');
    // The watcher hears it through the event feed (a blocking read), so give it a moment.
    for (let i = 0; i < 50 && !updates.includes('offered'); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(updates).toContain('offered');
    stop();
  });

  it('withdraws an agent removed from every queue', async () => {
    await t.db.deleteFrom('queue_members').where('user_id', '=', alice).execute();
    await sync.syncNow();
    expect(await routing.acd.agentsAvailable('support')).toBe(0);
  });

  it('restores the membership when the agent is added back, coalescing concurrent syncs', async () => {
    await t.db.insertInto('queue_members').values({ queue_id: support, user_id: alice }).execute();
    await Promise.all([sync.syncNow(), sync.syncNow(), sync.syncNow()]);
    const first = (await routing.events()).filter((e) => e.type === 'contact.offered');
    expect(first).toHaveLength(1);
    // Alice turns the first offer down; being back in the queue, she is offered it again.
    await routing.desk.reject(alice, first[0]?.offerId ?? '');
    const offers = (await routing.events()).filter((e) => e.type === 'contact.offered');
    expect(offers).toHaveLength(2);
    expect(offers[1]).toMatchObject({ agentId: alice, contactId: 'call-1' });
  });
});
