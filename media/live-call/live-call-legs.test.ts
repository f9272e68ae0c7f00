/**
 * The legs the live-call control makes, as written to the call record: a
 * supervisor joining, a transfer target dialled. Twins: drachtio-srf
 * createUAC and dialogs, fsmrf endpoints (media/live-call/test-live-call.ts).
 */
import { describe, expect, it } from 'vitest';
import type { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { CallLegSnapshot } from '../call-record/call-record.ts';
import { answered, callId, liveCall, type LiveCall } from './test-live-call.ts';

/** Each leg as last written. */
function legs(t: LiveCall): CallLegSnapshot[] {
  const latest = new Map<string, CallLegSnapshot>();
  for (const item of t.records) if (item.kind === 'leg') latest.set(item.leg.id, item.leg);
  return [...latest.values()];
}

const start = new Date(1_700_000_000_000);

describe('legs of supervisors and transfer targets', () => {
  it("writes the supervisor's leg: rung, answered, ended when the supervisor hangs up", async () => {
    const t = await liveCall();
    const { dialog, endpoint } = await answered(
      t,
      t.control.supervise({
        callId,
        supervisorId: 'sam',
        supervisorName: 'Sam Lee',
        mode: 'listen',
      }),
    );
    await t.clock.advance(45_000);
    dialog?.hangUpFromFarEnd();
    await t.clock.advance(0);
    expect(legs(t)).toEqual([
      {
        id: expect.any(String) as string,
        callId,
        role: 'supervisor',
        userId: 'sam',
        sipUri: 'sip:sam@198.51.100.9',
        sipCallId: dialog?.sip.callId,
        mediaUuid: endpoint.uuid,
        startedAt: start,
        answeredAt: start,
        endedAt: new Date(start.getTime() + 45_000),
        hangupCause: 'normal',
        sipStatus: 200,
      },
    ]);
  });

  it("writes a supervisor's leg that rang out", async () => {
    const t = await liveCall();
    const joining = t.control
      .supervise({ callId, supervisorId: 'sam', supervisorName: 'Sam Lee', mode: 'listen' })
      .catch((e: unknown) => e);
    await t.clock.advance(30_000);
    expect(((await joining) as SwitchboardError).code).toBe('unavailable');
    expect(
      legs(t).map((leg) => [leg.role, leg.answeredAt, leg.hangupCause, leg.sipStatus]),
    ).toEqual([['supervisor', null, 'noAnswer', 487]]);
  });

  it("writes the transfer target's leg, answered and ended when the target hangs up", async () => {
    const t = await liveCall();
    const transferring = t.control.transfer({
      callId,
      requestedBy: 'alice',
      target: { kind: 'number', number: '+15559990000' },
    });
    await t.clock.advance(0);
    const target = t.sip.ringing()[0]?.answer();
    await t.clock.advance(0);
    await transferring;
    await t.clock.advance(120_000);
    target?.hangUpFromFarEnd();
    await t.clock.advance(0);
    expect(legs(t)).toMatchObject([
      {
        role: 'transfer',
        userId: null,
        sipUri: 'tel:+15559990000',
        sipCallId: target?.sip.callId,
        answeredAt: start,
        endedAt: new Date(start.getTime() + 120_000),
        hangupCause: 'normal',
        sipStatus: 200,
      },
    ]);
  });

  it("writes a busy transfer target's leg as declined, never answered", async () => {
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
    expect(legs(t).map((leg) => [leg.role, leg.answeredAt, leg.hangupCause])).toEqual([
      ['transfer', null, 'declined'],
    ]);
  });
});
