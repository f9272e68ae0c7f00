/**
 * Consult (warm) transfers and transfers to an agent over the API: real
 * HTTP, Postgres, Redis and routing (test/api-test-server.ts); the voice
 * layer is the InMemoryLiveCallControl twin, which engages target agents in
 * routing as the voice layer does.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startApiTestServer, type ApiTestServer } from '../../test/api-test-server.ts';

let t: ApiTestServer;
let agentA: string;
let admin: string;

beforeAll(async () => {
  t = await startApiTestServer();
  agentA = await t.login(t.emails.agentA!);
  admin = await t.login(t.emails.admin!);
});

beforeEach(async () => {
  t.liveCalls.hangUp(t.a.callId);
  t.liveCalls.consultations.clear();
  await t.routing.desk.logIn(t.b.agentId);
  await t.routing.desk.setState(t.b.agentId, 'available');
  t.liveCalls.connect(t.a.callId);
});

afterAll(async () => {
  await t.close();
});

type Refusal = { error: { code: string; message: string; details?: { reason?: string } } };

function consult(body: unknown, cookie = admin, step = '') {
  return t.request('post', `/calls/${t.a.callId}/consult${step}`, { cookie, body });
}

describe('consult', () => {
  it('rings an agent (engaged in routing), then completes: ringing, completed', async () => {
    const res = await consult({ target: { kind: 'agent', agentId: t.b.agentId } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ callId: t.a.callId, consultation: 'ringing' });
    expect((await t.routing.desk.status(t.b.agentId)).contacts).toMatchObject([
      { contactId: t.a.callId, engagement: 'consult' },
    ]);
    const again = await consult({ target: { kind: 'number', number: '+15559990000' } });
    expect(again.status).toBe(409);
    expect((await consult(undefined, admin, '/complete')).status).toBe(409);
    t.liveCalls.answerConsultation(t.a.callId);
    const done = await consult(undefined, admin, '/complete');
    expect(done.body).toEqual({ callId: t.a.callId, consultation: 'completed' });
  });

  it('cancels: the consulted agent is free again', async () => {
    await consult({ target: { kind: 'agent', agentId: t.b.agentId } });
    const res = await consult(undefined, admin, '/cancel');
    expect(res.body).toEqual({ callId: t.a.callId, consultation: 'cancelled' });
    await expect
      .poll(async () => (await t.routing.desk.status(t.b.agentId)).state)
      .toBe('available');
    expect((await consult(undefined, admin, '/cancel')).status).toBe(409);
  });

  it("consults a queue's agent available longest, 409 when nobody is, 404 outside the caller's queues", async () => {
    const res = await consult({ target: { kind: 'queue', queueId: t.b.queueId } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      callId: t.a.callId,
      consultation: 'ringing',
      agentId: t.b.agentId,
    });
    expect(t.liveCalls.consultations.get(t.a.callId)?.target).toEqual({
      kind: 'agent',
      agentId: t.b.agentId,
    });
    await consult(undefined, admin, '/cancel');
    await expect
      .poll(async () => (await t.routing.desk.status(t.b.agentId)).state)
      .toBe('available');
    await t.routing.desk.setState(t.b.agentId, 'break', 'lunch');
    const nobody = await consult({ target: { kind: 'queue', queueId: t.b.queueId } });
    expect(nobody.status).toBe(409);
    expect((nobody.body as Refusal).error.details?.reason).toBe('nobody-available');
    const outside = await consult({ target: { kind: 'queue', queueId: t.b.queueId } }, agentA);
    expect(outside.status).toBe(404);
  });

  it('answers 409 naming why when the agent is not available', async () => {
    await t.routing.desk.setState(t.b.agentId, 'break', 'lunch');
    const res = await consult({ target: { kind: 'agent', agentId: t.b.agentId } });
    expect(res.status).toBe(409);
    expect((res.body as Refusal).error.details?.reason).toBe('break');
  });

  it('refuses an agent out of reach (404) and bad input naming the field (400)', async () => {
    const res = await consult({ target: { kind: 'agent', agentId: t.b.agentId } }, agentA);
    expect(res.status).toBe(404);
    const bad = await consult({ target: { kind: 'number', number: 'call me' } }, agentA);
    expect(bad.status).toBe(400);
    expect((bad.body as Refusal).error.message).toMatch(/^body\.target\.number: /);
    const noTarget = await consult({}, agentA);
    expect(noTarget.status).toBe(400);
    expect((noTarget.body as Refusal).error.message).toMatch(/^body\.target/);
  });
});

describe('transfer to an agent', () => {
  it('engages the agent and records the transfer; 409 when they are busy', async () => {
    const transfer = () =>
      t.request('post', `/calls/${t.a.callId}/transfer`, {
        cookie: admin,
        body: { target: { kind: 'agent', agentId: t.b.agentId } },
      });
    await t.routing.desk.engage(t.b.agentId, 'another-call', 'click-to-dial');
    const busy = await transfer();
    expect(busy.status).toBe(409);
    expect((busy.body as Refusal).error.details?.reason).toBe('engaged');
    await t.routing.desk.release(t.b.agentId, 'another-call');
    const res = await transfer();
    expect(res.status, res.text).toBe(200);
    expect((await t.routing.desk.status(t.b.agentId)).state).toBe('busy');
    t.liveCalls.hangUp(t.a.callId);
    await expect
      .poll(async () => (await t.routing.desk.status(t.b.agentId)).state)
      .toBe('available');
  });

  it("refuses an agent out of the transferring agent's reach with 404", async () => {
    const res = await t.request('post', `/calls/${t.a.callId}/transfer`, {
      cookie: agentA,
      body: { target: { kind: 'agent', agentId: t.b.agentId } },
    });
    expect(res.status).toBe(404);
  });
});
