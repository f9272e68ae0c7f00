/**
 * Issue 22, finding 3: the same masking on every route and every live event,
 * over real HTTP and real WebSockets against real Postgres, Redis and
 * routing (test/api-test-server.ts). Agent A has a ringing callback offer
 * from routing carrying a caller number, a callback number and flow
 * variables (an account number, and a tier the flow lists in screenPop);
 * call A has its timeline and a transfer to a number in the audit log.
 *
 * Who may see what: agents never see customers' full numbers or emails or
 * unlisted flow variables; tokens without `pii` neither; supervisor and
 * admin sessions and `pii` tokens see them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiTestServer, type ApiTestServer } from '../../test/api-test-server.ts';
import { connectLiveClient, type LiveClient } from '../events/test-live-client.ts';
import { maskPhone } from './contact-masking.ts';

let t: ApiTestServer;
const callerNumber = '+15550009876';
const callbackNumber = '+15550005432';
const transferTarget = '+15550004444';
const accountNumber = 'ACCT-99887766';
const tier = 'gold-tier-7';
/** What no masked viewer may ever receive, in any form. */
let secrets: string[];

interface Viewer {
  readonly name: string;
  readonly headers: Record<string, string>;
  readonly full: boolean;
}
const viewers: Viewer[] = [];
const sockets = new Map<string, LiveClient>();

async function token(cookie: string, scopes: string[]): Promise<string> {
  const res = await t.request('post', '/tokens', { cookie, body: { name: 'viewer', scopes } });
  if (res.status !== 201) throw new Error(res.text);
  return (res.body as { secret: string }).secret;
}

beforeAll(async () => {
  t = await startApiTestServer();
  secrets = [t.a.phone, t.a.email, callerNumber, callbackNumber, transferTarget, accountNumber];
  const agent = await t.login(t.emails.agentA!);
  const supervisor = await t.login(t.emails.supA!);
  const admin = await t.login(t.emails.admin!);
  const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
  viewers.push(
    { name: 'agent session', headers: { cookie: agent }, full: false },
    {
      name: 'agent token',
      headers: bearer(await token(agent, ['read', 'write', 'events'])),
      full: false,
    },
    {
      name: 'supervisor token',
      headers: bearer(await token(supervisor, ['read', 'write', 'events'])),
      full: false,
    },
    { name: 'admin token', headers: bearer(await token(admin, ['read', 'events'])), full: false },
    { name: 'supervisor session', headers: { cookie: supervisor }, full: true },
    { name: 'admin session', headers: { cookie: admin }, full: true },
    {
      name: 'supervisor pii token',
      headers: bearer(await token(supervisor, ['read', 'events', 'pii'])),
      full: true,
    },
    {
      name: 'admin pii token',
      headers: bearer(await token(admin, ['read', 'events', 'pii'])),
      full: true,
    },
  );
  for (const viewer of viewers)
    sockets.set(viewer.name, await connectLiveClient(t.url, viewer.headers));

  // Call A's timeline names its numbers; a supervisor transfers it to a number (audited).
  await t.db.db
    .insertInto('call_events')
    .values({
      event_id: 'exposure:started',
      call_id: t.a.callId,
      type: 'call.started',
      occurred_at: new Date(),
      payload: JSON.stringify({ from: t.a.phone, to: '+15559990000' }),
    })
    .execute();
  t.liveCalls.connect(t.a.callId);
  const transfer = await t.request('post', `/calls/${t.a.callId}/transfer`, {
    cookie: supervisor,
    body: { target: { kind: 'number', number: transferTarget } },
  });
  expect(transfer.status).toBe(200);

  // A caller waits in queue A, asks for a callback, and agent A is offered it.
  await t.routing.acd.enqueue({
    contactId: 'exposure-contact',
    channel: 'voice',
    queueId: t.a.queueId,
    requiredSkills: [],
    priority: 3,
    callerNumber,
    attributes: { accountNumber, tier, screenPop: 'tier' },
  });
  await t.routing.acd.requestCallback('exposure-contact', callbackNumber);
  await t.routing.desk.logIn(t.a.agentId);
  const offered = await t.routing.desk.status(t.a.agentId);
  expect(offered.offers[0]?.callbackNumber).toBe(callbackNumber);
});

afterAll(async () => {
  for (const socket of sockets.values()) await socket.close();
  await t.close();
});

/** Every GET route with team A's objects in its path. */
function getPaths(): string[] {
  const params: Record<string, string> = {
    userId: t.a.agentId,
    agentId: t.a.agentId,
    teamId: t.a.teamId,
    queueId: t.a.queueId,
    callId: t.a.callId,
    recordingId: t.a.recordingId,
    contactId: t.a.contactId,
    conversationId: t.a.conversationId,
    ticketId: t.a.ticketId,
    flowName: 'main-menu',
    version: '1',
  };
  return t.api.routes
    .filter((r) => r.method === 'get' && r.minimumRole !== 'public')
    .map((r) => r.path.replace(/:(\w+)/g, (_, name: string) => params[name] ?? name))
    .map((path) =>
      path === '/contacts' ? `/contacts?phone=${encodeURIComponent(t.a.phone)}` : path,
    );
}

/** Which secrets appear in `text`, in full or as bare digits. */
function leaked(text: string): string[] {
  return secrets.filter((s) => {
    const digits = s.startsWith('+') ? s.slice(-10) : s;
    return text.includes(s) || text.includes(digits);
  });
}

async function get(viewer: Viewer, path: string) {
  return t.request('get', path, { headers: viewer.headers });
}

describe('every GET route', () => {
  it('shows masked viewers no full number, email or unlisted flow variable, and the others all of them', async () => {
    const failures: string[] = [];
    for (const viewer of viewers.filter((v) => !v.full)) {
      for (const path of getPaths()) {
        const res = await get(viewer, path);
        const found = leaked(res.text);
        if (found.length > 0) failures.push(`${viewer.name} GET ${path}: ${found.join(', ')}`);
      }
    }
    expect(failures).toEqual([]);
    // And masking hides nothing from those who may see: the same routes carry the full values.
    const carriers: Record<string, string[]> = {
      [`/agents/${t.a.agentId}/status`]: [callerNumber, callbackNumber, accountNumber],
      '/calls': [t.a.phone],
      [`/calls/${t.a.callId}`]: [t.a.phone],
      [`/contacts?phone=${encodeURIComponent(t.a.phone)}`]: [t.a.phone, t.a.email],
      [`/contacts/${t.a.contactId}`]: [t.a.phone, t.a.email],
    };
    for (const viewer of viewers.filter((v) => v.full)) {
      for (const [path, values] of Object.entries(carriers)) {
        expect(leaked((await get(viewer, path)).text), `${viewer.name} GET ${path}`).toEqual(
          expect.arrayContaining(values),
        );
      }
    }
    for (const name of ['admin session', 'admin pii token']) {
      const audit = await get(
        viewers.find((v) => v.name === name)!,
        '/audit?action=call.transfer',
      );
      expect(leaked(audit.text), name).toEqual([transferTarget]);
    }
  });
});

describe("an agent's desk", () => {
  type Offer = {
    callerNumber?: string;
    callbackNumber?: string;
    attributes: Record<string, string>;
  };
  const offerOf = (body: unknown) => (body as { offers: Offer[] }).offers[0]!;

  it('shows the agent masked numbers and only the variables the flow lists', async () => {
    const agent = viewers.find((v) => v.name === 'agent session')!;
    const offer = offerOf((await get(agent, '/agent/status')).body);
    expect(offer.callerNumber).toBe(maskPhone(callerNumber));
    expect(offer.callbackNumber).toBe(maskPhone(callbackNumber));
    expect(offer.attributes).toEqual({ tier });
  });

  it("shows a supervisor's pii token every variable, and a token without pii the listed ones", async () => {
    const path = `/agents/${t.a.agentId}/status`;
    const full = offerOf(
      (
        await get(
          viewers.find((v) => v.name === 'supervisor pii token')!,
          path,
        )
      ).body,
    );
    expect(full).toMatchObject({ callerNumber, callbackNumber });
    expect(full.attributes).toEqual({ accountNumber, tier, screenPop: 'tier' });
    const masked = offerOf(
      (
        await get(
          viewers.find((v) => v.name === 'supervisor token')!,
          path,
        )
      ).body,
    );
    expect(masked.callbackNumber).toBe(maskPhone(callbackNumber));
    expect(masked.attributes).toEqual({ tier });
  });

  it('is masked in the answers of desk writes too', async () => {
    const supervisor = viewers.find((v) => v.name === 'supervisor token')!;
    const res = await t.request('put', `/agents/${t.a.agentId}/state`, {
      headers: supervisor.headers,
      body: { state: 'available' },
    });
    expect(res.status).toBe(200);
    expect(offerOf(res.body).callbackNumber).toBe(maskPhone(callbackNumber));
    expect(leaked(res.text)).toEqual([]);
  });
});

describe('live events', () => {
  const kinds = [
    { type: 'contact.enqueued', field: 'callerNumber', raw: callerNumber },
    { type: 'contact.callback-requested', field: 'callbackNumber', raw: callbackNumber },
    { type: 'contact.offered', field: 'callbackNumber', raw: callbackNumber },
  ];

  it.each(kinds)(
    '$type carries $field masked or in full, by viewer',
    async ({ type, field, raw }) => {
      for (const viewer of viewers) {
        // Agents receive only events about themselves: the offer, not the queue's events.
        if (viewer.name.startsWith('agent') && type !== 'contact.offered') continue;
        const event = await sockets
          .get(viewer.name)!
          .waitFor((e) => e.type === type && e.data?.contactId === 'exposure-contact');
        expect(event.data?.[field], `${viewer.name} ${type}`).toBe(
          viewer.full ? raw : maskPhone(raw),
        );
      }
    },
  );

  it('never sends a masked viewer a full number in any frame', async () => {
    for (const viewer of viewers.filter((v) => !v.full)) {
      const socket = sockets.get(viewer.name)!;
      await socket.waitFor((e) => e.type === 'contact.offered');
      expect(socket.frames.flatMap(leaked), viewer.name).toEqual([]);
    }
  });
});
