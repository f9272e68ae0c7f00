/**
 * Hold, mute and DTMF over real HTTP and the live event WebSocket, against
 * real Postgres, Redis and routing (test/api-test-server.ts). The voice layer
 * is the in-memory LiveCallControl twin (no FreeSWITCH here); the same
 * behaviour of the real one is media/live-call/agent-call-controls.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiTestServer, type ApiTestServer } from '../../test/api-test-server.ts';
import { connectLiveClient, within, type LiveMessage } from '../events/test-live-client.ts';

let t: ApiTestServer;
let admin: string;
let agentA: string;

beforeAll(async () => {
  t = await startApiTestServer();
  admin = await t.login(t.emails.admin!);
  agentA = await t.login(t.emails.agentA!);
});

afterAll(async () => {
  await t.close();
});

type ErrorReply = { error: { code: string; details?: { fields?: { field: string }[] } } };

async function audit(action: string) {
  const res = await t.request('get', `/audit?action=${action}&limit=200`, { cookie: admin });
  return (
    res.body as { items: { targetId: string | null; actorId: string | null; details: object }[] }
  ).items;
}

const isControls = (message: LiveMessage) => message.type === 'call.controls';

describe('hold and mute', () => {
  it('holds, resumes, mutes and unmutes the agent’s own call, idempotently, audited', async () => {
    t.liveCalls.connect(t.a.callId);
    const call = `/calls/${t.a.callId}`;
    for (const [path, body] of [
      ['hold', { callId: t.a.callId, held: true }],
      ['hold', { callId: t.a.callId, held: true }],
      ['mute', { callId: t.a.callId, muted: true }],
    ] as const) {
      const res = await t.request('post', `${call}/${path}`, { cookie: agentA });
      expect(res.status, path).toBe(200);
      expect(res.body).toEqual(body);
    }
    const detail = await t.request('get', call, { cookie: agentA });
    expect((detail.body as { controls: unknown }).controls).toEqual({ held: true, muted: true });
    expect((await t.request('post', `${call}/resume`, { cookie: agentA })).body).toEqual({
      callId: t.a.callId,
      held: false,
    });
    expect((await t.request('post', `${call}/unmute`, { cookie: agentA })).body).toEqual({
      callId: t.a.callId,
      muted: false,
    });
    const holds = await audit('call.hold');
    expect(holds.map((e) => [e.targetId, e.actorId])).toEqual([
      [t.a.callId, t.a.agentId],
      [t.a.callId, t.a.agentId],
    ]);
    expect(await audit('call.unmute')).toHaveLength(1);

    t.liveCalls.hangUp(t.a.callId);
    const ended = await t.request('get', call, { cookie: agentA });
    expect((ended.body as { controls: unknown }).controls).toBeNull();
  });

  it('answers 409 when the call is not bridged to an agent, or not in progress', async () => {
    t.liveCalls.connect(t.a.callId, { withAgent: false });
    const res = await t.request('post', `/calls/${t.a.callId}/hold`, { cookie: agentA });
    expect(res.status).toBe(409);
    expect((res.body as ErrorReply).error.code).toBe('conflict');
    t.liveCalls.hangUp(t.a.callId);
    expect((await t.request('post', `/calls/${t.a.callId}/mute`, { cookie: agentA })).status).toBe(
      409,
    );
  });

  it("lets an agent act only on their own call, a supervisor on their teams' calls, an admin on any", async () => {
    t.liveCalls.connect(t.a.callId);
    t.liveCalls.connect(t.b.callId);
    const supA = await t.login(t.emails.supA!);
    const agentB = await t.login(t.emails.agentB!);
    const status = async (cookie: string, callId: string, path = 'hold') =>
      (await t.request('post', `/calls/${callId}/${path}`, { cookie })).status;
    expect(await status(agentA, t.b.callId)).toBe(404);
    expect(await status(agentB, t.a.callId, 'mute')).toBe(404);
    expect(await status(supA, t.b.callId)).toBe(404);
    expect(t.liveCalls.held.has(t.b.callId)).toBe(false);
    expect(await status(supA, t.a.callId)).toBe(200);
    expect(await status(admin, t.b.callId, 'mute')).toBe(200);
    // Hanging up the agent's leg: another agent's call is not found; one's own is hung up, audited.
    expect(await status(agentB, t.a.callId, 'hangup')).toBe(404);
    expect(t.liveCalls.agentHangUps).not.toContain(t.a.callId);
    expect(await status(agentA, t.a.callId, 'hangup')).toBe(200);
    expect(t.liveCalls.agentHangUps).toContain(t.a.callId);
    expect(await audit('call.hangup')).toHaveLength(1);
    expect(await status(agentA, t.a.callId, 'hangup')).toBe(409);
    t.liveCalls.hangUp(t.b.callId);
  });

  it("tells the agent's other tabs and their supervisor, never another team", async () => {
    t.liveCalls.connect(t.a.callId);
    const secondTab = await connectLiveClient(t.url, { cookie: agentA }, '?topics=call');
    const supervisor = await connectLiveClient(
      t.url,
      { cookie: await t.login(t.emails.supA!) },
      '?topics=call',
    );
    const otherTeam = await connectLiveClient(
      t.url,
      { cookie: await t.login(t.emails.supB!) },
      '?topics=call',
    );
    try {
      await t.request('post', `/calls/${t.a.callId}/hold`, { cookie: agentA });
      await t.request('post', `/calls/${t.a.callId}/mute`, { cookie: agentA });
      for (const client of [secondTab, supervisor]) {
        const held = await within(client.waitFor(isControls), 5_000, 'call.held');
        expect(held.data).toMatchObject({
          callId: t.a.callId,
          agentId: t.a.agentId,
          change: 'held',
          held: 'true',
          muted: 'false',
          by: t.a.agentId,
        });
        await within(
          client.waitFor((m) => isControls(m) && m.data?.change === 'muted'),
          5_000,
          'call.muted',
        );
      }
      expect(otherTeam.events.filter(isControls)).toEqual([]);
    } finally {
      await Promise.all([secondTab.close(), supervisor.close(), otherTeam.close()]);
      t.liveCalls.hangUp(t.a.callId);
    }
  });
});

describe('DTMF', () => {
  it("sends keys to the customer's side; the audit keeps how many, not which", async () => {
    t.liveCalls.connect(t.a.callId);
    const res = await t.request('post', `/calls/${t.a.callId}/dtmf`, {
      cookie: agentA,
      body: { digits: '1234#' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ callId: t.a.callId, sent: 5 });
    expect(t.liveCalls.sentDigits).toContainEqual({ callId: t.a.callId, digits: '1234#' });
    const [entry] = await audit('call.dtmf');
    expect(entry?.details).toMatchObject({ keys: 5 });
    expect(JSON.stringify(entry)).not.toContain('1234#');
    t.liveCalls.hangUp(t.a.callId);
  });

  it('refuses anything but 1-32 DTMF symbols with 400 naming body.digits', async () => {
    t.liveCalls.connect(t.a.callId);
    const sent = t.liveCalls.sentDigits.length;
    for (const body of [
      {},
      { digits: '' },
      { digits: '12a' },
      { digits: '1 2' },
      { digits: '${uuid}' },
      { digits: '1'.repeat(33) },
      { digits: 5 },
      { digits: ['1'] },
    ]) {
      const res = await t.request('post', `/calls/${t.a.callId}/dtmf`, { cookie: agentA, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((res.body as ErrorReply).error.details?.fields?.map((f) => f.field)).toEqual([
        'body.digits',
      ]);
    }
    expect(t.liveCalls.sentDigits).toHaveLength(sent);
    t.liveCalls.hangUp(t.a.callId);
  });
});
