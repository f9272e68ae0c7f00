/**
 * Supervision, transfers and recording controls on a live call bridged to an
 * agent. Twins: drachtio-srf createUAC and dialogs, fsmrf endpoints. Real:
 * Postgres for the audit log, Redis for the event stream (last describe).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import { AuditRepository } from '../../sql/repositories/audit-repository.ts';
import { createTestDatabase, type TestDatabase } from '../../test/test-database.ts';
import { createTestRedis } from '../../test/test-redis.ts';
import { RecordedResponse, sipRequestFromText } from '../sip/sip-request-from-text.ts';
import { auditLogNotice, eventStreamNotice } from '../supervision/supervision-notice.ts';
import { AgentRefer } from '../transfer/agent-refer.ts';
import { answered, callId, liveCall, logger } from './test-live-call.ts';

describe('supervisor listen / whisper / barge', () => {
  it("calls the supervisor's phone and eavesdrops on the agent's channel", async () => {
    const t = await liveCall();
    const { endpoint } = await answered(
      t,
      t.control.supervise({
        callId,
        supervisorId: 'sam',
        supervisorName: 'Sam Lee',
        mode: 'listen',
      }),
    );
    expect(t.sip.invites[0]?.uri).toBe('sip:sam@198.51.100.9');
    expect(endpoint.commands).toContain('set eavesdrop_enable_dtmf=true');
    expect(endpoint.commands).toContain(`execute eavesdrop ${t.agentEndpoint.uuid}`);
    expect(t.changes.map((c) => [c.type, c.mode, c.agentId])).toEqual([
      ['supervision.joined', 'listen', 'alice'],
    ]);
  });

  it('joins straight into whisper by queueing the eavesdrop key, and changes mode on a second request', async () => {
    const t = await liveCall();
    const { endpoint } = await answered(
      t,
      t.control.supervise({
        callId,
        supervisorId: 'sam',
        supervisorName: 'Sam Lee',
        mode: 'whisper',
      }),
    );
    expect(endpoint.commands).toContain(`api uuid_recv_dtmf ${endpoint.uuid} 2`);
    await t.control.supervise({
      callId,
      supervisorId: 'sam',
      supervisorName: 'Sam Lee',
      mode: 'barge',
    });
    expect(endpoint.commands).toContain(`api uuid_recv_dtmf ${endpoint.uuid} 3`);
    expect(t.sip.invites).toHaveLength(1);
    expect(t.changes.map((c) => `${c.type}:${c.mode}:${c.via}`)).toEqual([
      'supervision.joined:listen:api',
      'supervision.mode-changed:whisper:api',
      'supervision.mode-changed:barge:api',
    ]);
  });

  it("follows keys pressed on the supervisor's phone and ignores its own echo", async () => {
    const t = await liveCall();
    const { endpoint, dialog } = await answered(
      t,
      t.control.supervise({
        callId,
        supervisorId: 'sam',
        supervisorName: 'Sam Lee',
        mode: 'listen',
      }),
    );
    endpoint.receiveDtmf('2');
    endpoint.receiveDtmf('2');
    endpoint.receiveDtmf('3');
    endpoint.receiveDtmf('7');
    endpoint.receiveDtmf('0');
    await t.clock.advance(0);
    expect(t.changes.map((c) => `${c.mode}:${c.via}`)).toEqual([
      'listen:api',
      'whisper:phone',
      'barge:phone',
      'listen:phone',
    ]);
    dialog?.hangUpFromFarEnd();
    await t.clock.advance(0);
    expect(t.changes.at(-1)?.type).toBe('supervision.left');
    expect(t.control.supervising).toBe(0);
  });

  it('hangs the supervisor up when the call ends', async () => {
    const t = await liveCall();
    const { dialog } = await answered(
      t,
      t.control.supervise({
        callId,
        supervisorId: 'sam',
        supervisorName: 'Sam Lee',
        mode: 'listen',
      }),
    );
    t.callerDialog.hangUpFromFarEnd();
    await t.bridged.catch(() => undefined);
    // FreeSWITCH ends eavesdrop when the eavesdropped channel goes; the twin's execute returns at once,
    // so the supervisor leg is already released by then.
    await t.clock.advance(0);
    expect(dialog?.destroyed).toBe(true);
  });

  it.each([
    ['a call that is not live', 'nobody', 'sam', 'conflict'],
    ['a supervisor with no phone', callId, 'alice', 'conflict'],
  ])('refuses %s', async (_, call, supervisorId, code) => {
    const t = await liveCall();
    const error = await t.control
      .supervise({ callId: call, supervisorId, supervisorName: 'Sam Lee', mode: 'listen' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchboardError);
    expect((error as SwitchboardError).code).toBe(code);
  });

  it("reports unavailable when the supervisor's phone does not answer", async () => {
    const t = await liveCall();
    const joining = t.control
      .supervise({ callId, supervisorId: 'sam', supervisorName: 'Sam Lee', mode: 'listen' })
      .catch((e: unknown) => e);
    await t.clock.advance(30_000);
    expect(((await joining) as SwitchboardError).code).toBe('unavailable');
  });
});

describe('transfers', () => {
  it('blind-transfers a connected call to a number from the API; the agent leg ends', async () => {
    const t = await liveCall();
    const transferring = t.control.transfer({
      callId,
      requestedBy: 'alice',
      target: { kind: 'number', number: '+15559990000' },
    });
    await t.clock.advance(0);
    expect(t.sip.ringing()[0]?.uri).toBe('sip:%2B15559990000@carrier.example.net');
    const target = t.sip.ringing()[0]?.answer();
    await t.clock.advance(0);
    await transferring;
    expect(t.agentDialog.destroyed).toBe(true);
    const targetEndpoint = t.server.endpoints.at(-1);
    expect(t.callerEndpoint.bridgedWith).toBe(targetEndpoint?.uuid);
    expect(t.session.bridgedPeer?.agentId).toBeUndefined();
    target?.hangUpFromFarEnd();
    expect(await t.bridged).toMatchObject({ outcome: 'completed' });
  });

  it('keeps the agent on the line when the target is busy', async () => {
    const t = await liveCall();
    const transferring = t.control
      .transfer({
        callId,
        requestedBy: 'alice',
        target: { kind: 'number', number: '+15559990000' },
      })
      .catch((e: unknown) => e);
    await t.clock.advance(0);
    t.sip.ringing()[0]?.reject(486);
    expect(((await transferring) as SwitchboardError).code).toBe('unavailable');
    expect(t.agentLeg.ended).toBe(false);
  });

  it('refuses a queue target with conflict when queue transfers are not set up', async () => {
    const t = await liveCall();
    const error = await t.control
      .transfer({ callId, requestedBy: 'sam', target: { kind: 'queue', queueId: 'q' } })
      .catch((e: unknown) => e);
    expect((error as SwitchboardError).code).toBe('conflict');
  });

  /** A REFER from the agent's phone to `target`. */
  const referTo = (target: string) =>
    sipRequestFromText(
      [
        'REFER sip:switchboard@192.0.2.1 SIP/2.0',
        'Via: SIP/2.0/UDP 198.51.100.7:5062;branch=z9hG4bK1',
        'From: <sip:alice@example.com>;tag=a',
        'To: <sip:switchboard@192.0.2.1>;tag=b',
        'Call-ID: agent',
        'CSeq: 3 REFER',
        `Refer-To: <${target}>`,
        'Referred-By: <sip:alice@example.com>',
        'Content-Length: 0',
        '',
        '',
      ].join('\n'),
    );

  const watchRefers = (t: Awaited<ReturnType<typeof liveCall>>) =>
    new AgentRefer({
      calls: t.calls,
      dialer: t.dialer,
      logger,
      allowedNumberPrefixes: ['+1'],
    }).watch(callId, t.agentLeg);

  /** The agent's phone sends REFER to `target`; resolves with the response it got. */
  async function referFromPhone(t: Awaited<ReturnType<typeof liveCall>>, target: string) {
    watchRefers(t);
    const response = new RecordedResponse();
    t.agentDialog.receive('refer', referTo(target), response);
    await t.clock.advance(0);
    return response;
  }

  it('refuses a second REFER while the first transfer dials (491): one call dials once', async () => {
    const t = await liveCall();
    watchRefers(t);
    const first = new RecordedResponse();
    const second = new RecordedResponse();
    t.agentDialog.receive('refer', referTo('sip:+15559990000@example.com'), first);
    t.agentDialog.receive('refer', referTo('sip:+15559990001@example.com'), second);
    await t.clock.advance(0);
    expect([first.final?.status, second.final?.status]).toEqual([202, 491]);
    expect(t.sip.ringing()).toHaveLength(1);
  });

  it("transfers on a REFER from the agent's phone and reports it with NOTIFY", async () => {
    const t = await liveCall();
    const response = await referFromPhone(t, 'sip:+15559990000@example.com');
    expect(response.final?.status).toBe(202);
    expect(t.sip.ringing()[0]?.uri).toBe('sip:%2B15559990000@carrier.example.net');
    t.sip.ringing()[0]?.answer();
    await t.clock.advance(0);
    expect(t.agentDialog.sent[0]).toMatchObject({ method: 'NOTIFY', body: 'SIP/2.0 200 OK\r\n' });
    expect(t.agentDialog.destroyed).toBe(true);
    expect(t.callerEndpoint.bridgedWith).toBe(t.server.endpoints.at(-1)?.uuid);
  });

  it.each([
    [
      'a number outside the allowed prefixes (premium rate abroad)',
      'sip:+881631234567@example.com',
    ],
    ['a SIP URI elsewhere', 'sip:attacker@evil.example'],
    ['a SIP URI whose user is not a number', 'sip:alice@example.com'],
  ])('refuses a REFER to %s with 403 and dials nothing', async (_what, target) => {
    const t = await liveCall();
    const response = await referFromPhone(t, target);
    expect(response.final?.status).toBe(403);
    expect(t.sip.ringing()).toEqual([]);
    expect(t.agentLeg.ended).toBe(false);
  });
});

describe('recording controls', () => {
  it('refuses pause on a call that is not recorded', async () => {
    const t = await liveCall();
    const error = await t.control.pauseRecording(callId).catch((e: unknown) => e);
    expect((error as SwitchboardError).code).toBe('conflict');
  });
});

describe('supervision notices on real Postgres and Redis', () => {
  let database: TestDatabase;
  const redis = createTestRedis();
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.cleanup();
    await redis.cleanup();
  });

  it("audits each supervisor action once: API requests are the route's, phone keys and hang-ups here", async () => {
    const supervisor = await database.db
      .insertInto('users')
      .values({ email: 'sam@example.com', display_name: 'Sam', role: 'supervisor' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const connection = redis.connect();
    const streamKey = `${redis.keyPrefix}events`;
    const audit = auditLogNotice(new AuditRepository(database.db));
    const stream = eventStreamNotice(connection, streamKey);
    const t = await liveCall(async (change) => {
      const real = { ...change, supervisorId: supervisor.id };
      await Promise.all([audit(real), stream(real)]);
    });
    const { endpoint, dialog } = await answered(
      t,
      t.control.supervise({
        callId,
        supervisorId: 'sam',
        supervisorName: 'Sam Lee',
        mode: 'whisper',
      }),
    );
    // Joining and the mode change came through the API, which audits the request itself.
    const auditRows = () => database.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
    expect(await auditRows()).toEqual([]);

    endpoint.receiveDtmf('3');
    await t.clock.advance(0);
    dialog?.hangUpFromFarEnd();
    await t.clock.advance(0);
    await vi.waitFor(async () => expect(await auditRows()).toHaveLength(2));
    const rows = await auditRows();
    expect(
      rows.map((row) => [
        row.action,
        row.target_type,
        row.target_id,
        row.actor_id,
        row.source_address,
      ]),
    ).toEqual([
      ['supervision.mode-changed', 'call', callId, supervisor.id, '198.51.100.9'],
      ['supervision.left', 'call', callId, supervisor.id, '198.51.100.9'],
    ]);
    expect(rows[0]?.details).toMatchObject({ agentId: 'alice', mode: 'barge', via: 'phone' });
    expect(rows[0]?.occurred_at).toBeInstanceOf(Date);

    // The event stream carries every change, for the agent's desktop.
    const entries = await connection.xrange(streamKey, '-', '+');
    const types = entries.map(([, flat]) => flat[flat.indexOf('type') + 1]);
    expect(types).toEqual([
      'supervision.joined',
      'supervision.mode-changed',
      'supervision.mode-changed',
      'supervision.left',
    ]);
    const flat = entries[1]?.[1] ?? [];
    const fields: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i] ?? ''] = flat[i + 1] ?? '';
    expect(fields).toMatchObject({
      type: 'supervision.mode-changed',
      agentId: 'alice',
      mode: 'whisper',
      via: 'api',
      callId,
      // The agent's banner names who is listening.
      supervisorName: 'Sam Lee',
    });
  });

  it('does not audit the supervisor being hung up because the call ended', async () => {
    const rowsBefore = await database.db.selectFrom('audit_log').select('id').execute();
    const audit = auditLogNotice(new AuditRepository(database.db));
    const t = await liveCall(audit);
    await answered(
      t,
      t.control.supervise({
        callId,
        supervisorId: 'sam',
        supervisorName: 'Sam Lee',
        mode: 'listen',
      }),
    );
    t.callerDialog.hangUpFromFarEnd();
    await t.bridged.catch(() => undefined);
    await t.clock.advance(0);
    expect(t.changes.map((c) => `${c.type}:${c.via}`)).toEqual([
      'supervision.joined:api',
      'supervision.left:system',
    ]);
    const rowsAfter = await database.db.selectFrom('audit_log').select('id').execute();
    expect(rowsAfter).toHaveLength(rowsBefore.length);
  });
});
