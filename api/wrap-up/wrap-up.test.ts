/**
 * POST /agent/wrap-up with a disposition code and notes: the queue's codes,
 * its "code required" setting, scrubbed notes, and the call detail that
 * shows them. Over real HTTP against real Postgres, Redis and routing
 * (test/api-test-server.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiTestServer, type ApiTestServer } from '../../test/api-test-server.ts';

let t: ApiTestServer;
let admin: string;
let agent: string;

beforeAll(async () => {
  t = await startApiTestServer();
  admin = await t.login(t.emails.admin!);
  agent = await t.login(t.emails.agentA!);
  await t.routing.admin.configureQueue({
    queueId: t.a.queueId,
    ringTimeoutSeconds: 20,
    wrapUpSeconds: 600,
  });
  await t.routing.desk.logIn(t.a.agentId);
});

afterAll(async () => {
  await t.close();
});

type Refusal = {
  error: { code: string; message: string; details?: { allowed?: string[] } };
};

async function storedWrapUp() {
  return t.db.db
    .selectFrom('calls')
    .select(['wrap_up_code', 'wrap_up_notes'])
    .where('id', '=', t.a.callId)
    .executeTakeFirstOrThrow();
}

let contacts = 0;

/** Puts agent A in wrap-up, as routing does after a contact, unless they already are. */
async function inWrapUp(): Promise<void> {
  if ((await t.routing.desk.status(t.a.agentId)).state === 'wrap-up') return;
  contacts += 1;
  await t.routing.acd.enqueue({
    contactId: `wrap-up-${contacts}`,
    channel: 'voice',
    queueId: t.a.queueId,
    requiredSkills: [],
    priority: 3,
  });
  const [offer] = (await t.routing.desk.status(t.a.agentId)).offers;
  await t.routing.desk.accept(t.a.agentId, offer!.offerId);
  await t.routing.desk.complete(t.a.agentId, offer!.contactId);
}

async function wrapUp(body: Record<string, unknown>) {
  await inWrapUp();
  return t.request('post', '/agent/wrap-up', { cookie: agent, body });
}

describe('wrap-up', () => {
  it('still takes the old body {code, callId} and any code while no codes are defined', async () => {
    const res = await wrapUp({ code: 'anything-goes', callId: t.a.callId });
    expect(res.status, res.text).toBe(200);
    expect(await storedWrapUp()).toEqual({ wrap_up_code: 'anything-goes', wrap_up_notes: null });
  });

  it('stores notes with card numbers and national ids scrubbed, shown on the call detail, not audited', async () => {
    const notes = 'Paid with 4111 1111 1111 1111, SSN 123-45-6789; call back Monday';
    const res = await wrapUp({ code: 'resolved', notes, callId: t.a.callId });
    expect(res.status, res.text).toBe(200);
    const scrubbed = 'Paid with [card redacted], SSN [national id redacted]; call back Monday';
    expect(await storedWrapUp()).toEqual({ wrap_up_code: 'resolved', wrap_up_notes: scrubbed });
    const detail = await t.request('get', `/calls/${t.a.callId}`, { cookie: agent });
    expect((detail.body as { wrapUpNotes: string }).wrapUpNotes).toBe(scrubbed);
    const audit = await t.request('get', '/audit?action=agent.wrap-up', { cookie: admin });
    const [entry] = (audit.body as { items: { details: Record<string, unknown> }[] }).items;
    expect(entry?.details).toMatchObject({ code: 'resolved', callId: t.a.callId, notes: true });
    expect(JSON.stringify(entry)).not.toContain('Monday');
  });

  it('refuses notes over 2000 characters, or without the call they are about', async () => {
    const long = await wrapUp({ notes: 'x'.repeat(2001), callId: t.a.callId });
    expect(long.status).toBe(400);
    expect((long.body as Refusal).error.message).toBe('body.notes: at most 2000 characters');
    const loose = await wrapUp({ notes: 'about which call?' });
    expect(loose.status).toBe(400);
    expect((loose.body as Refusal).error.message).toMatch(/^body\.callId: /);
  });

  it("takes only the queue's active codes and the global ones once codes are defined", async () => {
    const create = (body: Record<string, unknown>) =>
      t.request('post', '/disposition-codes', { cookie: admin, body });
    await create({ code: 'sale', label: 'Sale', queueId: t.a.queueId });
    await create({ code: 'callback', label: 'Call back' });
    await create({ code: 'refund', label: 'Refund', queueId: t.b.queueId });
    const old = await create({ code: 'old-code', label: 'Old', queueId: t.a.queueId });
    await t.request('patch', `/disposition-codes/${(old.body as { id: string }).id}`, {
      cookie: admin,
      body: { active: false },
    });
    for (const code of ['refund', 'old-code', 'resolved']) {
      const res = await wrapUp({ code, callId: t.a.callId });
      expect(res.status, code).toBe(400);
      const refusal = (res.body as Refusal).error;
      expect(refusal.message).toBe('body.code: must be one of callback, sale');
      expect(refusal.details?.allowed).toEqual(['callback', 'sale']);
    }
    expect((await storedWrapUp()).wrap_up_code).toBe('resolved');
    expect((await wrapUp({ code: 'callback', callId: t.a.callId })).status).toBe(200);
    expect((await wrapUp({ code: 'sale', callId: t.a.callId })).status).toBe(200);
    expect((await storedWrapUp()).wrap_up_code).toBe('sale');
  });

  it('refuses to end wrap-up without a code when the queue requires one', async () => {
    await t.request('patch', `/queues/${t.a.queueId}`, {
      cookie: admin,
      body: { wrapUpCodeRequired: true },
    });
    const res = await wrapUp({ notes: 'forgot the code', callId: t.a.callId });
    expect(res.status).toBe(400);
    const refusal = (res.body as Refusal).error;
    expect(refusal.message).toBe('body.code: queue queue-a needs a wrap-up code');
    expect(refusal.details?.allowed).toEqual(['callback', 'sale']);
    expect((await storedWrapUp()).wrap_up_notes).not.toBe('forgot the code');
    // Refused: the agent is still wrapping up, not made available.
    expect((await t.routing.desk.status(t.a.agentId)).state).toBe('wrap-up');
    expect((await wrapUp({ code: 'sale', callId: t.a.callId })).status).toBe(200);
  });

  it("refuses another agent's call as not found", async () => {
    const res = await wrapUp({ code: 'sale', callId: t.b.callId });
    expect(res.status).toBe(404);
  });
});
