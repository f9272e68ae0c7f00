/**
 * GET /directory over real HTTP against real Postgres, Redis and routing
 * (test/api-test-server.ts): agent states and waiting counts come from
 * routing, names and memberships from Postgres. Nothing is mocked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiTestServer, type ApiTestServer } from '../../test/api-test-server.ts';

let t: ApiTestServer;
let agentA: string;
let zhang: string;
let zoe: string;

interface Directory {
  agents: {
    id: string;
    displayName: string;
    state: string;
    secondsInState: number | null;
    canTakeTransfer: boolean;
  }[];
  queues: { id: string; name: string; displayName: string; waiting: number | null }[];
}

async function member(name: string, queueId: string, disabled = false): Promise<string> {
  const { db } = t.db;
  const row = await db
    .insertInto('users')
    .values({
      email: `${encodeURIComponent(name).toLowerCase().replace(/%/g, '')}@example.test`,
      display_name: name,
      role: 'agent',
      password_hash: 'test$unused',
      disabled_at: disabled ? new Date() : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('queue_members').values({ queue_id: queueId, user_id: row.id }).execute();
  return row.id;
}

async function directory(cookie: string, q?: string) {
  const res = await t.request(
    'get',
    `/directory${q === undefined ? '' : `?q=${encodeURIComponent(q)}`}`,
    {
      cookie,
    },
  );
  expect(res.status, res.text).toBe(200);
  return res.body as Directory;
}

beforeAll(async () => {
  t = await startApiTestServer();
  agentA = await t.login(t.emails.agentA!);
  zhang = await member('张伟', t.a.queueId);
  zoe = await member('Zoë Ångström', t.a.queueId);
  await member('Gone Away', t.a.queueId, true);
  await member('Bob Other', t.b.queueId);
  // Routing knows queues by name, as app/routing-directory-sync.ts configures them.
  await t.routing.admin.configureQueue({ queueId: 'queue-a', ringTimeoutSeconds: 20 });
  await t.routing.admin.configureAgent({
    agentId: zhang,
    skills: {},
    queues: [{ queueId: 'queue-a' }],
    capacity: { voice: 1, chat: 0, email: 0 },
  });
  await t.routing.desk.logIn(zhang);
  await t.routing.desk.setState(zhang, 'break', 'lunch');
  await t.routing.acd.enqueue({
    contactId: 'waiting-in-a',
    channel: 'voice',
    queueId: 'queue-a',
    requiredSkills: [],
    priority: 3,
  });
});

afterAll(async () => {
  await t.close();
});

describe('GET /directory', () => {
  it("shows an agent the people sharing their queues, with routing's state, and those queues", async () => {
    const found = await directory(agentA);
    expect(found.agents.map((a) => a.displayName)).toEqual(['Zoë Ångström', '张伟']);
    const [zoeRow, zhangRow] = found.agents;
    expect(zoeRow).toMatchObject({ id: zoe, state: 'offline', canTakeTransfer: false });
    expect(zhangRow).toMatchObject({ id: zhang, state: 'break', canTakeTransfer: false });
    expect(zhangRow?.secondsInState).toBeGreaterThanOrEqual(0);
    expect(found.queues).toEqual([
      { id: t.a.queueId, name: 'queue-a', displayName: expect.any(String) as string, waiting: 1 },
    ]);
    // Display names only: no e-mail, and nothing of team B.
    const text = JSON.stringify(found);
    expect(text).not.toContain('@');
    expect(text).not.toContain(t.b.queueId);
  });

  it('says who can take a transfer now: available agents', async () => {
    // Nobody waiting, so becoming available does not reserve them for a caller at once.
    await t.routing.acd.cancel('waiting-in-a', 'abandoned');
    await t.routing.desk.setState(zhang, 'available');
    const [row] = (await directory(agentA, '张')).agents;
    expect(row).toMatchObject({ id: zhang, state: 'available', canTakeTransfer: true });
  });

  it('searches by name in any case, Chinese names too, taking % and _ literally', async () => {
    expect((await directory(agentA, '张')).agents.map((a) => a.id)).toEqual([zhang]);
    expect((await directory(agentA, 'zoË ång')).agents.map((a) => a.id)).toEqual([zoe]);
    expect((await directory(agentA, 'QUEUE-A')).queues.map((q) => q.id)).toEqual([t.a.queueId]);
    const none = await directory(agentA, '%');
    expect([none.agents, none.queues]).toEqual([[], []]);
    expect((await directory(agentA, '_')).agents).toEqual([]);
  });

  it("shows a supervisor their teams' people and queues, and an admin everyone serving a queue", async () => {
    const supervisor = await directory(await t.login(t.emails.supA!));
    expect(supervisor.agents.map((a) => a.id).sort()).toEqual([t.a.agentId, zhang, zoe].sort());
    expect(supervisor.queues.map((q) => q.id)).toEqual([t.a.queueId]);
    const admin = await directory(await t.login(t.emails.admin!), 'o');
    expect(admin.agents.map((a) => a.displayName)).toEqual(
      expect.arrayContaining(['Bob Other', 'Zoë Ångström']),
    );
    expect(admin.agents.map((a) => a.displayName)).not.toContain('Gone Away');
  });

  it('answers at most 50 of each', async () => {
    for (let i = 0; i < 55; i += 1) await member(`Bulk ${String(i).padStart(2, '0')}`, t.a.queueId);
    const found = await directory(agentA, 'bulk');
    expect(found.agents).toHaveLength(50);
    expect(found.agents[0]?.displayName).toBe('Bulk 00');
  });

  it('refuses a search over 100 characters with 400 naming query.q', async () => {
    const res = await t.request('get', `/directory?q=${'x'.repeat(101)}`, { cookie: agentA });
    expect(res.status).toBe(400);
    const reply = res.body as { error: { details?: { fields?: { field: string }[] } } };
    expect(reply.error.details?.fields?.map((f) => f.field)).toEqual(['query.q']);
  });
});
