/**
 * Disposition (wrap-up) codes: who sees and manages which, duplicates, and
 * a queue's "code required" setting. Over real HTTP against real Postgres,
 * Redis and routing (test/api-test-server.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiTestServer, type ApiTestServer } from '../../test/api-test-server.ts';

let t: ApiTestServer;
let admin: string;
let supA: string;
let supB: string;
let agentA: string;

beforeAll(async () => {
  t = await startApiTestServer();
  admin = await t.login(t.emails.admin!);
  supA = await t.login(t.emails.supA!);
  supB = await t.login(t.emails.supB!);
  agentA = await t.login(t.emails.agentA!);
});

afterAll(async () => {
  await t.close();
});

type Code = { id: string; code: string; label: string; queueId: string | null; active: boolean };
type Refusal = { error: { code: string; message: string } };

async function create(cookie: string, body: Record<string, unknown>) {
  return t.request('post', '/disposition-codes', { cookie, body });
}

async function list(cookie: string, query = ''): Promise<string[]> {
  const res = await t.request('get', `/disposition-codes${query}`, { cookie });
  expect(res.status, res.text).toBe(200);
  return (res.body as { items: Code[] }).items.map((c) => `${c.queueId ?? 'global'}:${c.code}`);
}

describe('disposition codes', () => {
  it("are added by admins anywhere and by supervisors on their teams' queues only", async () => {
    expect((await create(admin, { code: 'resolved', label: 'Resolved' })).status).toBe(201);
    const sale = await create(supA, { code: 'sale', label: 'Sale', queueId: t.a.queueId });
    expect(sale.status, sale.text).toBe(201);
    expect(sale.body).toMatchObject({ code: 'sale', queueId: t.a.queueId, active: true });
    expect(
      (await create(supB, { code: 'refund', label: 'Refund', queueId: t.b.queueId })).status,
    ).toBe(201);
    const otherTeam = await create(supA, { code: 'sale', label: 'Sale', queueId: t.b.queueId });
    expect(otherTeam.status).toBe(404);
    const global = await create(supA, { code: 'escalated', label: 'Escalated' });
    expect(global.status).toBe(403);
    expect((await create(agentA, { code: 'x', label: 'X', queueId: t.a.queueId })).status).toBe(
      403,
    );
  });

  it('refuse a duplicate code of the same queue, or of the global list, with 409', async () => {
    const again = await create(supA, { code: 'sale', label: 'Sale again', queueId: t.a.queueId });
    expect(again.status).toBe(409);
    expect((again.body as Refusal).error.message).toBe('The queue already has a code sale');
    const global = await create(admin, { code: 'resolved', label: 'Again' });
    expect(global.status).toBe(409);
    // The same code on another queue is another code.
    const elsewhere = await create(supB, { code: 'sale', label: 'Sale', queueId: t.b.queueId });
    expect(elsewhere.status).toBe(201);
  });

  it('refuse a bad code or label, naming the field', async () => {
    const bad = await create(admin, { code: 'Not A Code', label: 'x'.repeat(81) });
    expect(bad.status).toBe(400);
    const fields = (bad.body as { error: { details: { fields: { field: string }[] } } }).error
      .details.fields;
    expect(fields.map((f) => f.field).sort()).toEqual(['body.code', 'body.label']);
  });

  it("are listed as the global ones plus those of the caller's queues", async () => {
    expect(await list(agentA)).toEqual(['global:resolved', `${t.a.queueId}:sale`]);
    expect(await list(supB)).toEqual(
      ['global:resolved', `${t.b.queueId}:refund`, `${t.b.queueId}:sale`].toSorted(byGlobalFirst),
    );
    expect((await list(admin)).toSorted()).toEqual(
      [
        'global:resolved',
        `${t.a.queueId}:sale`,
        `${t.b.queueId}:refund`,
        `${t.b.queueId}:sale`,
      ].toSorted(),
    );
    expect(await list(admin, `?queueId=${t.a.queueId}`)).toEqual([
      'global:resolved',
      `${t.a.queueId}:sale`,
    ]);
    const invisible = await t.request('get', `/disposition-codes?queueId=${t.b.queueId}`, {
      cookie: agentA,
    });
    expect(invisible.status).toBe(404);
  });

  it("are renamed or deactivated by the queue's supervisor; global ones only by admins", async () => {
    const [resolved, sale] = await codeIds(['global:resolved', `${t.a.queueId}:sale`]);
    const renamed = await t.request('patch', `/disposition-codes/${sale}`, {
      cookie: supA,
      body: { label: 'Sold', active: false },
    });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body).toMatchObject({ label: 'Sold', active: false });
    const notTheirs = await t.request('patch', `/disposition-codes/${sale}`, {
      cookie: supB,
      body: { label: 'Mine' },
    });
    expect(notTheirs.status).toBe(404);
    const global = await t.request('patch', `/disposition-codes/${resolved}`, {
      cookie: supA,
      body: { label: 'Done' },
    });
    expect(global.status).toBe(403);
    const byAdmin = await t.request('patch', `/disposition-codes/${resolved}`, {
      cookie: admin,
      body: { label: 'Done' },
    });
    expect(byAdmin.body).toMatchObject({ label: 'Done', active: true });
  });

  it('are deleted without touching the calls wrapped up with them, audited', async () => {
    const [sale] = await codeIds([`${t.a.queueId}:sale`]);
    await t.db.db
      .updateTable('calls')
      .set({ wrap_up_code: 'sale' })
      .where('id', '=', t.a.callId)
      .execute();
    expect((await t.request('delete', `/disposition-codes/${sale}`, { cookie: supB })).status).toBe(
      404,
    );
    expect((await t.request('delete', `/disposition-codes/${sale}`, { cookie: supA })).status).toBe(
      204,
    );
    expect(await list(agentA)).toEqual(['global:resolved']);
    const call = await t.request('get', `/calls/${t.a.callId}`, { cookie: admin });
    expect((call.body as { wrapUpCode: string }).wrapUpCode).toBe('sale');
    const audit = await t.request('get', '/audit?action=disposition-code.delete', {
      cookie: admin,
    });
    const [entry] = (audit.body as { items: { targetId: string; details: unknown }[] }).items;
    expect(entry).toMatchObject({
      targetId: sale,
      details: { code: 'sale', queueId: t.a.queueId },
    });
  });
});

describe("a queue's wrap-up code requirement", () => {
  it('is read and written on the queue routes, off by default', async () => {
    const before = await t.request('get', `/queues/${t.a.queueId}`, { cookie: agentA });
    expect((before.body as { wrapUpCodeRequired: boolean }).wrapUpCodeRequired).toBe(false);
    const changed = await t.request('patch', `/queues/${t.a.queueId}`, {
      cookie: admin,
      body: { wrapUpCodeRequired: true },
    });
    expect(changed.status, changed.text).toBe(200);
    expect((changed.body as { wrapUpCodeRequired: boolean }).wrapUpCodeRequired).toBe(true);
    const row = await t.db.db
      .selectFrom('queues')
      .select('wrap_up_code_required')
      .where('id', '=', t.a.queueId)
      .executeTakeFirstOrThrow();
    expect(row.wrap_up_code_required).toBe(true);
  });
});

function byGlobalFirst(a: string, b: string): number {
  return Number(!a.startsWith('global')) - Number(!b.startsWith('global')) || a.localeCompare(b);
}

async function codeIds(keys: string[]): Promise<string[]> {
  const res = await t.request('get', '/disposition-codes', { cookie: admin });
  const items = (res.body as { items: Code[] }).items;
  return keys.map((key) => {
    const found = items.find((c) => `${c.queueId ?? 'global'}:${c.code}` === key);
    if (found === undefined) throw new Error(`no code ${key}`);
    return found.id;
  });
}
