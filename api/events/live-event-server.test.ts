/**
 * Live events over a real WebSocket, fed by the real Redis Stream that routing
 * writes (test/api-test-server.ts: real Postgres, Redis, routing, HTTP).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startApiTestServer, type ApiTestServer } from '../../test/api-test-server.ts';

let t: ApiTestServer;

beforeAll(async () => {
  t = await startApiTestServer();
});

afterAll(async () => {
  await t.close();
});

interface Message {
  kind: 'event' | 'ready';
  id?: string;
  type?: string;
  data?: Record<string, string>;
  lastEventId?: string | null;
}

/** A connected client that collects messages and can wait for a count of events. */
async function connect(cookie: string, query = '') {
  const socket = new WebSocket(`${t.url.replace('http', 'ws')}/api/v1/events${query}`, {
    headers: { cookie },
  });
  const events: Message[] = [];
  const waiters: (() => void)[] = [];
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  socket.on('message', (raw: Buffer) => {
    const message = JSON.parse(raw.toString()) as Message;
    if (message.kind === 'ready') ready();
    else events.push(message);
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  await isReady;
  return {
    socket,
    events,
    async waitFor(count: number) {
      while (events.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    close: () =>
      new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.close();
      }),
  };
}

async function append(type: string, fields: Record<string, string>): Promise<string> {
  const redis = t.routing.redisHandle.connect();
  const id = await redis.xadd(t.streamKey, '*', 'type', type, ...Object.entries(fields).flat());
  return id!;
}

describe('live events', () => {
  it('refuses connections without credentials', async () => {
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/api/v1/events`);
    const status = await new Promise<number>((resolve) => {
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    });
    expect(status).toBe(401);
  });

  it('refuses an unknown topic or a stream id Redis cannot read with 400 naming the field', async () => {
    const cookie = await t.login(t.emails.admin!);
    for (const [query, field] of [
      ['?topics=credential', 'query.topics'],
      ['?lastEventId=18446744073709551616-0', 'query.lastEventId'],
    ] as const) {
      const socket = new WebSocket(`${t.url.replace('http', 'ws')}/api/v1/events${query}`, {
        headers: { cookie },
      });
      const refusal = await new Promise<{ status: number; body: string }>((resolve) => {
        socket.once('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
      });
      expect(refusal.status, query).toBe(400);
      const { error } = JSON.parse(refusal.body) as { error: { code: string; message: string } };
      expect(error.code).toBe('validation_failed');
      expect(error.message.startsWith(`${field}: `), error.message).toBe(true);
    }
  });

  it('refuses a user past 20 open event sockets with 429, and admits them again once one closes', async () => {
    const cookie = await t.login(t.emails.supA!);
    const open = [];
    for (let i = 0; i < 20; i += 1) open.push(await connect(cookie));
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/api/v1/events`, {
      headers: { cookie },
    });
    const status = await new Promise<number>((resolve) => {
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    });
    expect(status).toBe(429);
    // Another user is not affected.
    const other = await connect(await t.login(t.emails.admin!));
    await other.close();
    await open.pop()?.close();
    const again = await connect(cookie);
    await again.close();
    for (const client of open) await client.close();
  });

  it('delivers routing events, filtered on the server by role and topic', async () => {
    const agent = await connect(await t.login(t.emails.agentA!));
    const supervisor = await connect(await t.login(t.emails.supA!));
    const admin = await connect(await t.login(t.emails.admin!));
    const offersOnly = await connect(await t.login(t.emails.admin!), '?topics=offer');

    // A real routing transition: agent A logs in (agent.state-changed).
    await t.routing.desk.logIn(t.a.agentId);
    await append('agent.state-changed', { agentId: t.b.agentId, state: 'available' });
    await append('contact.enqueued', { contactId: 'c-b', queueId: t.b.queueId });
    await append('contact.enqueued', { contactId: 'c-a', queueId: t.a.queueId });
    await append('offer.rejected', { offerId: 'o1', agentId: t.a.agentId, queueId: t.a.queueId });

    await admin.waitFor(5);
    await offersOnly.waitFor(1);
    await supervisor.waitFor(3);
    await agent.waitFor(2);
    // One more event that every client receives marks the end of what each was sent.
    await append('offer.withdrawn', { offerId: 'o2', agentId: t.a.agentId });
    await Promise.all([
      admin.waitFor(6),
      supervisor.waitFor(4),
      agent.waitFor(3),
      offersOnly.waitFor(2),
    ]);

    const summary = (c: { events: Message[] }) =>
      c.events.map((e) => `${e.type}:${e.data?.agentId ?? e.data?.queueId}`);
    expect(summary(agent)).toEqual([
      `agent.state-changed:${t.a.agentId}`,
      `offer.rejected:${t.a.agentId}`,
      `offer.withdrawn:${t.a.agentId}`,
    ]);
    expect(summary(supervisor)).toEqual([
      `agent.state-changed:${t.a.agentId}`,
      `contact.enqueued:${t.a.queueId}`,
      `offer.rejected:${t.a.agentId}`,
      `offer.withdrawn:${t.a.agentId}`,
    ]);
    expect(admin.events).toHaveLength(6);
    expect(offersOnly.events.map((e) => e.type)).toEqual(['offer.rejected', 'offer.withdrawn']);
    await Promise.all([agent.close(), supervisor.close(), admin.close(), offersOnly.close()]);
  });

  it('resumes from the last event id with nothing lost or repeated', async () => {
    const cookie = await t.login(t.emails.admin!);
    const first = await connect(cookie, '?topics=queue');
    const e1 = await append('queue.configured', { queueId: t.a.queueId, n: '1' });
    await first.waitFor(1);
    expect(first.events[0]!.id).toBe(e1);
    await first.close();

    const missed = [];
    for (let n = 2; n <= 4; n += 1)
      missed.push(await append('queue.configured', { queueId: t.a.queueId, n: String(n) }));
    const again = await connect(cookie, `?topics=queue&lastEventId=${e1}`);
    expect(again.events.map((e) => e.id)).toEqual(missed);
    const e5 = await append('queue.configured', { queueId: t.a.queueId, n: '5' });
    await again.waitFor(4);
    expect(again.events.map((e) => e.data?.n)).toEqual(['2', '3', '4', '5']);
    expect(again.events[3]!.id).toBe(e5);
    await again.close();
  });

  it('keeps order and sends each event once while live events race a catch-up', async () => {
    const cookie = await t.login(t.emails.admin!);
    const start = await append('queue.configured', { queueId: t.b.queueId, n: '0' });
    const writer = (async () => {
      for (let n = 1; n <= 300; n += 1)
        await append('queue.configured', { queueId: t.b.queueId, n: String(n) });
    })();
    const client = await connect(cookie, `?topics=queue&lastEventId=${start}`);
    await writer;
    await client.waitFor(300);
    const ns = client.events
      .filter((e) => e.data?.queueId === t.b.queueId)
      .map((e) => Number(e.data?.n));
    expect(ns).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    await client.close();
  });
});
