/**
 * What the desktop's page tests drive: the API test server (real Postgres,
 * Redis, routing, HTTP and WebSocket, serving the built web app) with agent
 * A's queue set up as a contact center would have it, and callers put in the
 * queue through the real ACD the way the IVR's `enqueue` step does.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { Redis } from 'ioredis';
import { callConnectedStreamNotice } from '../../media/call-record/call-connected-notice.ts';
import {
  consultationStreamNotice,
  type ConsultationChange,
} from '../../media/transfer/consultation-notice.ts';
import { startApiTestServer, type ApiTestServer } from '../api-test-server.ts';
import { testRedisUrl } from '../test-redis.ts';

export interface DeskStatus {
  readonly state: string;
  readonly reason: string;
  readonly offers: readonly { readonly offerId: string }[];
  readonly contacts: readonly unknown[];
}

export interface DeskWorld {
  readonly t: ApiTestServer;
  /** A call from customer A's number, queued in queue A; the offer goes to agent A. */
  queueCaller(): Promise<{ callId: string }>;
  /** Agent A's desk as the server has it, asked with the page's own session. */
  statusOf(page: Page): Promise<DeskStatus>;
  /** Routing's clock (manual): offers, states and wrap-up are timed by it. */
  now(): number;
  /** What the voice layer writes when the agent's leg is bridged to the caller. */
  bridged(callId: string): Promise<void>;
  /**
   * A colleague of agent A: a member of queue A (so in A's directory and
   * reachable for a transfer) whom routing offers no queue A call (routing
   * has them in queue B only), logged in `available`, on `break`, or not.
   * `resetAgent` puts them back in that state.
   */
  addColleague(
    displayName: string,
    state: 'available' | 'break' | 'offline',
  ): Promise<{ agentId: string }>;
  /** What the voice layer tells agent A's desktop about a consultation of their call. */
  consultation(change: Omit<ConsultationChange, 'agentId' | 'at'>): Promise<void>;
  /** Agent A back to offline whatever the journey left: contacts completed, wrap-up ended. */
  resetAgent(): Promise<void>;
  /** Every caller this world queued leaves the queue (hung up). */
  clearQueue(): Promise<void>;
  /** Lets every ringing offer ring out (the queue's ring timeout passes). */
  ringOut(): Promise<void>;
  close(): Promise<void>;
}

export async function startDeskWorld(
  options: Parameters<typeof startApiTestServer>[0] = {},
): Promise<DeskWorld> {
  const t = await startApiTestServer(options);
  const events = new Redis(testRedisUrl);
  const queued: string[] = [];
  const colleagues: { agentId: string; state: 'available' | 'break' | 'offline' }[] = [];
  const tellConsultation = consultationStreamNotice(events, t.streamKey, {
    warn: (details, message) => {
      throw new Error(`${message}: ${JSON.stringify(details)}`);
    },
  });
  const putInState = async (agentId: string, state: 'available' | 'break' | 'offline') => {
    const { desk } = t.routing;
    for (const contact of (await desk.status(agentId)).contacts) {
      await desk.complete(agentId, contact.contactId).catch(() => undefined);
    }
    await desk.finishWrapUp(agentId).catch(() => undefined);
    await desk.logOut(agentId).catch(() => undefined);
    if (state === 'offline') return;
    await desk.logIn(agentId);
    if (state === 'break') await desk.setState(agentId, 'break', 'lunch');
    else await desk.setState(agentId, 'available');
  };
  // What an admin sets up: global codes, one of queue A's own, and a code required there.
  const admin = await t.login(t.emails.admin!);
  for (const body of [
    { code: 'resolved', label: 'Resolved' },
    { code: 'follow-up', label: 'Follow-up needed' },
    { code: 'router-reset', label: 'Router reset', queueId: t.a.queueId },
  ]) {
    const res = await t.request('post', '/disposition-codes', { cookie: admin, body });
    if (res.status !== 201) throw new Error(`disposition code: ${res.text}`);
  }
  const required = await t.request('patch', `/queues/${t.a.queueId}`, {
    cookie: admin,
    body: { wrapUpCodeRequired: true },
  });
  if (required.status !== 200) throw new Error(`queue: ${required.text}`);
  // The seeded history at routing's (manual) time, so screenshots never show today's date.
  await t.db.db
    .updateTable('calls')
    .set({
      started_at: new Date(t.routing.clock.now() - 86_400_000),
      answered_at: new Date(t.routing.clock.now() - 86_400_000 + 20_000),
      ended_at: new Date(t.routing.clock.now() - 86_400_000 + 260_000),
      wrap_up_code: 'resolved',
    })
    .where('id', '=', t.a.callId)
    .execute();
  await t.routing.admin.configureQueue({
    queueId: t.a.queueId,
    ringTimeoutSeconds: 20,
    wrapUpSeconds: 60,
    maxConsecutiveMisses: 1,
  });
  return {
    t,
    async queueCaller() {
      const callId = randomUUID();
      await t.db.db
        .insertInto('calls')
        .values({
          id: callId,
          direction: 'inbound',
          from_number: t.a.phone,
          to_number: '+15559990000',
          contact_id: t.a.contactId,
          queue_id: t.a.queueId,
          started_at: new Date(t.routing.clock.now() - 42_000),
        })
        .execute();
      await t.routing.acd.enqueue({
        contactId: callId,
        channel: 'voice',
        queueId: t.a.queueId,
        requiredSkills: [],
        priority: 3,
        callerNumber: t.a.phone,
      });
      queued.push(callId);
      return { callId };
    },
    async bridged(callId) {
      const at = new Date(t.routing.clock.now());
      await t.db.db
        .updateTable('calls')
        .set({ agent_id: t.a.agentId, answered_at: at, bridged_at: at })
        .where('id', '=', callId)
        .execute();
      // The voice layer holds the bridged call (hold, mute and keys work on it)
      // and tells the desktop so, as app/voice-path.ts does.
      t.liveCalls.connect(callId);
      await callConnectedStreamNotice(
        events,
        t.streamKey,
      )({
        callId,
        agentId: t.a.agentId,
        at: at.getTime(),
      });
    },
    async addColleague(displayName, state) {
      const row = await t.db.db
        .insertInto('users')
        .values({
          email: `${displayName.toLowerCase().replace(/\W+/g, '.')}@example.test`,
          display_name: displayName,
          role: 'agent',
          password_hash: 'x',
          team_id: t.a.teamId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await t.db.db
        .insertInto('queue_members')
        .values({ queue_id: t.a.queueId, user_id: row.id })
        .execute();
      await t.routing.admin.configureAgent({
        agentId: row.id,
        skills: {},
        queues: [{ queueId: t.b.queueId }],
        capacity: { voice: 1, chat: 0, email: 0 },
      });
      await putInState(row.id, state);
      colleagues.push({ agentId: row.id, state });
      return { agentId: row.id };
    },
    async consultation(change) {
      await tellConsultation.tell({ ...change, agentId: t.a.agentId, at: t.routing.clock.now() });
    },
    async resetAgent() {
      const { desk } = t.routing;
      const agentId = t.a.agentId;
      for (const callId of queued.splice(0)) {
        // The caller hangs up: whoever a transfer or consultation engaged is released.
        t.liveCalls.hangUp(callId);
        await t.routing.acd.cancel(callId, 'abandoned').catch(() => undefined);
      }
      for (const callId of [...t.clickToDial.calls.keys()]) await t.clickToDial.hangUp(callId);
      for (const contact of (await desk.status(agentId)).contacts) {
        await desk.complete(agentId, contact.contactId).catch(() => undefined);
      }
      await desk.finishWrapUp(agentId).catch(() => undefined);
      await desk.logOut(agentId);
      for (const colleague of colleagues) await putInState(colleague.agentId, colleague.state);
    },
    async clearQueue() {
      for (const callId of queued.splice(0)) {
        await t.routing.acd.cancel(callId, 'abandoned').catch(() => undefined);
      }
    },
    async statusOf(page) {
      const cookies = await page.context().cookies();
      const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      return (await t.request('get', '/agent/status', { cookie })).body as DeskStatus;
    },
    now: () => t.routing.clock.now(),
    async ringOut() {
      t.routing.clock.advance(21_000);
      await t.routing.deadlines.fireDue();
    },
    async close() {
      events.disconnect();
      await t.close();
    },
  };
}
