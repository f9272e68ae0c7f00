/**
 * GET /agent/interactions: the caller's own recent calls with wrap-up,
 * recording and masked numbers, paged by cursor. Over real HTTP against
 * real Postgres, Redis and routing (test/api-test-server.ts).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiTestServer, type ApiTestServer } from '../../test/api-test-server.ts';

let t: ApiTestServer;
let agent: string;
const minute = 60_000;

beforeAll(async () => {
  t = await startApiTestServer();
  agent = await t.login(t.emails.agentA!);
});

afterAll(async () => {
  await t.close();
});

type Interaction = {
  callId: string;
  direction: string;
  customerNumber: string;
  durationSeconds: number | null;
  queueName: string | null;
  wrapUpCode: string | null;
  wrapUpNotes: string | null;
  recordingId: string | null;
  contactId: string | null;
};
type Page = { items: Interaction[]; nextCursor: string | null };

async function call(values: {
  agentId: string;
  direction: 'inbound' | 'outbound';
  minutesAgo: number;
  queueId?: string | null;
  wrapUpCode?: string;
  wrapUpNotes?: string;
}): Promise<string> {
  const id = randomUUID();
  const startedAt = new Date(Date.now() - values.minutesAgo * minute);
  await t.db.db
    .insertInto('calls')
    .values({
      id,
      direction: values.direction,
      from_number: values.direction === 'inbound' ? '+15551112222' : '+15559990000',
      to_number: values.direction === 'inbound' ? '+15559990000' : '+15553334444',
      queue_id: values.queueId ?? null,
      agent_id: values.agentId,
      started_at: startedAt,
      answered_at: startedAt,
      ended_at: new Date(startedAt.getTime() + 95_000),
      disposition: 'completed',
      wrap_up_code: values.wrapUpCode ?? null,
      wrap_up_notes: values.wrapUpNotes ?? null,
    })
    .execute();
  return id;
}

async function allPages(cookie: string, limit: number): Promise<Interaction[]> {
  const seen: Interaction[] = [];
  let before: string | null = null;
  do {
    const query: string = `/agent/interactions?limit=${limit}${before === null ? '' : `&before=${before}`}`;
    const res = await t.request('get', query, { cookie });
    expect(res.status, res.text).toBe(200);
    const page = res.body as Page;
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...page.items);
    before = page.nextCursor;
  } while (before !== null);
  return seen;
}

describe('my recent interactions', () => {
  it('are the calls I handled, newest first, paged, with wrap-up, recording and masked numbers', async () => {
    const older = await call({
      agentId: t.a.agentId,
      direction: 'inbound',
      minutesAgo: 30,
      queueId: t.a.queueId,
      wrapUpCode: 'sale',
      wrapUpNotes: 'Wants the blue one',
    });
    const dialled = await call({ agentId: t.a.agentId, direction: 'outbound', minutesAgo: 10 });
    const oldest = await call({ agentId: t.a.agentId, direction: 'inbound', minutesAgo: 90 });
    await call({ agentId: t.b.agentId, direction: 'inbound', minutesAgo: 5 });
    const items = await allPages(agent, 2);
    // The seeded call of agent A started a minute ago and is still live.
    expect(items.map((i) => i.callId)).toEqual([t.a.callId, dialled, older, oldest]);
    expect(items[0]).toMatchObject({
      customerNumber: '+1••••••0001',
      durationSeconds: null,
      queueName: 'queue-a',
      recordingId: t.a.recordingId,
      contactId: t.a.contactId,
    });
    expect(items[1]).toMatchObject({
      direction: 'outbound',
      customerNumber: '+1••••••4444',
      queueName: null,
      recordingId: null,
    });
    expect(items[2]).toMatchObject({
      durationSeconds: 95,
      wrapUpCode: 'sale',
      wrapUpNotes: 'Wants the blue one',
    });
  });

  it("show full numbers to a role that may see them, and only the caller's own calls", async () => {
    const own = await call({ agentId: t.a.supervisorId, direction: 'inbound', minutesAgo: 3 });
    const supervisor = await t.login(t.emails.supA!);
    const page = (await t.request('get', '/agent/interactions', { cookie: supervisor }))
      .body as Page;
    expect(page.items.map((i) => i.callId)).toEqual([own]);
    expect(page.items[0]?.customerNumber).toBe('+15551112222');
  });

  it('refuse a cursor this API did not write, naming query.before', async () => {
    const res = await t.request('get', '/agent/interactions?before=bm9wZQ', { cookie: agent });
    expect(res.status).toBe(400);
    expect((res.body as { error: { message: string } }).error.message).toBe(
      'query.before: not a cursor from this API',
    );
  });
});
