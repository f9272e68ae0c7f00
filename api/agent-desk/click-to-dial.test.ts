/**
 * POST /agent/calls (click-to-dial): the desk checks, the voice layer's
 * refusals, and the audit entry. Over real HTTP against real Postgres, Redis
 * and routing (test/api-test-server.ts); the voice layer is the
 * InMemoryClickToDial twin, which passes the same contract as the real one.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startApiTestServer, type ApiTestServer } from '../../test/api-test-server.ts';

let t: ApiTestServer;
let agent: string;

beforeAll(async () => {
  t = await startApiTestServer();
  agent = await t.login(t.emails.agentA!);
  t.clickToDial.register(t.a.agentId);
});

beforeEach(async () => {
  await t.routing.desk.logIn(t.a.agentId);
  for (const callId of t.clickToDial.calls.keys()) await t.clickToDial.hangUp(callId);
  t.clickToDial.setOutboundUri('sip:{number}@carrier.example');
});

afterAll(async () => {
  await t.close();
});

type Refusal = { error: { code: string; message: string; details?: { reason?: string } } };

function dial(number: unknown, cookie = agent) {
  return t.request('post', '/agent/calls', { cookie, body: { number } });
}

describe('click-to-dial', () => {
  it('answers 202 with the call id, places the call for me, and audits it with the number masked', async () => {
    const res = await dial('+442071234567');
    expect(res.status, res.text).toBe(202);
    const { callId } = res.body as { callId: string };
    expect(t.clickToDial.calls.get(callId)).toEqual({
      agentId: t.a.agentId,
      number: '+442071234567',
    });
    const admin = await t.login(t.emails.admin!);
    const audit = await t.request('get', '/audit?action=agent.dial', { cookie: admin });
    const [entry] = (audit.body as { items: { targetId: string; details: unknown }[] }).items;
    expect(entry).toMatchObject({ targetId: callId, details: { number: '+4•••••••4567' } });
  });

  it.each(['02071234567', '+0442071234567', '+44 20 7123 4567', '+12345', 12345])(
    'refuses %j naming body.number',
    async (number) => {
      const res = await dial(number);
      expect(res.status).toBe(400);
      expect((res.body as Refusal).error.message).toMatch(/^body\.number: /);
      expect(t.clickToDial.calls.size).toBe(0);
    },
  );

  it('refuses with 409 while I am logged out of my queues', async () => {
    await t.routing.desk.logOut(t.a.agentId);
    const res = await dial('+442071234567');
    expect(res.status).toBe(409);
    expect((res.body as Refusal).error.message).toBe('Log in to your queues before dialling out');
    expect(t.clickToDial.calls.size).toBe(0);
  });

  it('refuses with 409 while I am on a contact', async () => {
    await t.routing.acd.enqueue({
      contactId: 'on-a-contact',
      channel: 'voice',
      queueId: t.a.queueId,
      requiredSkills: [],
      priority: 3,
    });
    const [offer] = (await t.routing.desk.status(t.a.agentId)).offers;
    await t.routing.desk.accept(t.a.agentId, offer!.offerId);
    const res = await dial('+442071234567');
    expect(res.status).toBe(409);
    expect(t.clickToDial.calls.size).toBe(0);
    await t.routing.desk.complete(t.a.agentId, 'on-a-contact');
  });

  it('refuses with 409 a second call while my first is in progress', async () => {
    expect((await dial('+442071234567')).status).toBe(202);
    const second = await dial('+442071234568');
    expect(second.status).toBe(409);
    expect((second.body as Refusal).error.message).toBe(
      'You already have a dialled call in progress',
    );
  });

  it('refuses with 409 an agent with no registered phone', async () => {
    const other = await t.login(t.emails.agentB!);
    await t.routing.desk.logIn(t.b.agentId);
    const res = await dial('+442071234567', other);
    expect(res.status).toBe(409);
    expect((res.body as Refusal).error.message).toMatch(/no registered phone/);
  });

  it('answers 503 voice-unavailable, naming SIP_OUTBOUND_URI, when it is not set', async () => {
    t.clickToDial.setOutboundUri(undefined);
    const res = await dial('+442071234567');
    expect(res.status).toBe(503);
    const refusal = (res.body as Refusal).error;
    expect(refusal.code).toBe('unavailable');
    expect(refusal.details?.reason).toBe('voice-unavailable');
    expect(refusal.message).toContain('SIP_OUTBOUND_URI');
  });

  it('engages me for the call: my status shows it as my contact, and I am free once it ends', async () => {
    const res = await dial('+442071234567');
    const { callId } = res.body as { callId: string };
    const status = await t.request('get', '/agent/status', { cookie: agent });
    expect(status.body).toMatchObject({
      state: 'busy',
      contacts: [{ contactId: callId, queueId: '', channel: 'voice', engagement: 'click-to-dial' }],
    });
    await t.clickToDial.hangUp(callId);
    const after = await t.request('get', '/agent/status', { cookie: agent });
    expect(after.body).toMatchObject({ state: 'available', contacts: [] });
  });

  it('lets me dial out from a break, and puts me back on it after the call', async () => {
    await t.routing.desk.setState(t.a.agentId, 'break', 'lunch');
    const res = await dial('+442071234567');
    expect(res.status, res.text).toBe(202);
    expect((await t.routing.desk.status(t.a.agentId)).state).toBe('busy');
    await t.clickToDial.hangUp((res.body as { callId: string }).callId);
    expect(await t.routing.desk.status(t.a.agentId)).toMatchObject({
      state: 'break',
      reason: 'lunch',
    });
    await t.routing.desk.setState(t.a.agentId, 'available');
  });

  it('refuses with 409 naming the reason while I am ringing with an offer', async () => {
    await t.routing.acd.enqueue({
      contactId: 'ringing-contact',
      channel: 'voice',
      queueId: t.a.queueId,
      requiredSkills: [],
      priority: 3,
    });
    const res = await dial('+442071234567');
    expect(res.status).toBe(409);
    expect((res.body as Refusal).error.details?.reason).toBe('ringing');
    await t.routing.acd.cancel('ringing-contact', 'abandoned');
  });
});
