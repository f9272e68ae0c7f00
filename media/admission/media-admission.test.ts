import { describe, expect, it } from 'vitest';
import { SimulatedCallClock } from '../../ivr/simulated-call-clock.ts';
import { ManualClock } from '../../platform/clock.ts';
import { MediaServerTwin } from '../freeswitch/media-server-twin.ts';
import type { AdmissionDecision } from '../sip/inbound-call-handler.ts';
import { MediaAdmission } from './media-admission.ts';

function setup(limits: Partial<ConstructorParameters<typeof MediaAdmission>[1]> = {}) {
  const clock = new ManualClock(0);
  const server = new MediaServerTwin(new SimulatedCallClock(0));
  const admission = new MediaAdmission(clock, { callsPerSecond: 10, maxCalls: 100, ...limits });
  return { clock, server, admission };
}

/** Admits one call and, when admitted, reports its media set up after `setupMs`. */
function admitSetUp(
  admission: MediaAdmission,
  server: MediaServerTwin,
  outcome: 'ok' | 'failed' = 'ok',
  clock?: ManualClock,
  setupMs = 0,
) {
  const decision = admission.admit(server);
  if (decision.admitted) {
    clock?.advance(setupMs);
    decision.mediaSetUp?.(outcome);
  }
  return decision;
}

/** `windows` one-second windows in a row, each with two failed set-ups. */
function failWindows(
  admission: MediaAdmission,
  server: MediaServerTwin,
  clock: ManualClock,
  windows: number,
) {
  for (let i = 0; i < windows; i++) {
    admitSetUp(admission, server, 'failed');
    admitSetUp(admission, server, 'failed');
    clock.advance(1000);
  }
}

describe('MediaAdmission', () => {
  it('admits a burst of a quarter second of the rate, refuses the excess with Retry-After, and refills', () => {
    const { clock, server, admission } = setup({ callsPerSecond: 40 });
    const decisions = Array.from({ length: 12 }, () => admitSetUp(admission, server));
    expect(decisions.filter((d) => d.admitted)).toHaveLength(10);
    expect(decisions[11]).toMatchObject({
      admitted: false,
      retryAfterSeconds: 1,
      why: 'call rate above limit',
    });
    clock.advance(100);
    expect(Array.from({ length: 5 }, () => admitSetUp(admission, server).admitted)).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  it('admits at most 1.25 times the rate in any one second, however fast calls come', () => {
    const { clock, server, admission } = setup({ callsPerSecond: 80 });
    let admitted = 0;
    // Five offered every millisecond: far above the rate.
    for (let ms = 0; ms < 1000; ms += 1) {
      for (let i = 0; i < 5; i += 1) if (admitSetUp(admission, server).admitted) admitted += 1;
      clock.advance(1);
    }
    expect(admitted).toBeGreaterThanOrEqual(80);
    expect(admitted).toBeLessThanOrEqual(100);
  });

  it('holds calls until released and refuses past the call limit', () => {
    const { clock, server, admission } = setup({ callsPerSecond: 1000, maxCalls: 2 });
    const first = admission.admit(server);
    const second = admission.admit(server);
    expect(admission.admit(server)).toMatchObject({ admitted: false, why: 'call limit reached' });
    if (!first.admitted || !second.admitted) throw new Error('expected admissions');
    first.release();
    first.release();
    expect(admission.activeCalls).toBe(1);
    clock.advance(10);
    expect(admission.admit(server).admitted).toBe(true);
  });

  it.each([
    [
      'sessions near the maximum',
      { maxSessions: 100, sessions: 80, cpuIdle: 90 },
      'media server sessions near maximum',
    ],
    ['busy CPU', { maxSessions: 100, sessions: 10, cpuIdle: 9 }, 'media server CPU busy'],
  ])('refuses when FreeSWITCH reports %s', async (_label, report, why) => {
    const { server, admission } = setup({ callsPerSecond: 1000 });
    server.maxSessions = report.maxSessions;
    server.cpuIdle = report.cpuIdle;
    for (let i = 0; i < report.sessions; i++) await server.createEndpoint();
    expect(admission.admit(server)).toMatchObject({ admitted: false, why, retryAfterSeconds: 5 });
  });

  it('refuses while a second of calls (at least 4) are still being set up', () => {
    // A burst allowance large enough that only the set-up cap refuses.
    const { server, admission } = setup({ callsPerSecond: 20, burst: 30 });
    const pending = Array.from({ length: 20 }, () => admission.admit(server));
    expect(pending.every((d) => d.admitted)).toBe(true);
    expect(admission.admit(server)).toMatchObject({
      admitted: false,
      why: 'media server slow to set up calls',
      retryAfterSeconds: 2,
    });
    const [first] = pending;
    if (first === undefined || !first.admitted) throw new Error('expected an admission');
    first.mediaSetUp?.('ok');
    expect(admission.state.settingUp).toBe(19);
    expect(admission.admit(server).admitted).toBe(true);
    // A call released before its media was reported frees its set-up place too.
    for (const d of pending.slice(1)) if (d.admitted) d.release();
    expect(admission.state).toMatchObject({ settingUp: 1, activeCalls: 2 });
  });

  it('cuts once for one stall: set-ups admitted before a cut do not count after it', () => {
    const { clock, server, admission } = setup({ callsPerSecond: 80 });
    // A 3 s stall: 60 calls admitted over 3 s at 20/s, all set up only at its end.
    const stalled: AdmissionDecision[] = [];
    for (let i = 0; i < 60; i++) {
      stalled.push(admission.admit(server));
      clock.advance(50);
    }
    const reportIn = (from: number, to: number) => {
      for (const decision of stalled.slice(from, to))
        if (decision.admitted) decision.mediaSetUp?.('ok');
    };
    reportIn(0, 20); // slow (over 2 s): the window closing next cuts the rate
    admission.admit(server);
    const cut = admission.state.callsPerSecond;
    expect(cut).toBeCloseTo(14, 0); // 70% of the 20/s that window admitted
    // The rest of the backlog drains over the next two seconds, just as slow: no further cut.
    clock.advance(1000);
    reportIn(20, 40);
    admission.admit(server);
    clock.advance(1000);
    reportIn(40, 60);
    admission.admit(server);
    expect(admission.state.callsPerSecond).toBe(cut);
  });

  it('cuts the rate to 70% of what a window admitted when several set-ups failed or were slow', () => {
    const { clock, server, admission } = setup({ callsPerSecond: 40, slowSetupMs: 500 });
    // 20 calls in the first second, two of them failed: 70% of 20/s.
    for (let i = 0; i < 18; i++) admitSetUp(admission, server, 'ok', clock, 50);
    admitSetUp(admission, server, 'failed');
    admitSetUp(admission, server, 'failed', clock, 100);
    admitSetUp(admission, server);
    expect(admission.state.callsPerSecond).toBeCloseTo(14, 0);
    // A second window with two set-ups slower than 500 ms: 70% again.
    admitSetUp(admission, server, 'ok', clock, 600);
    admitSetUp(admission, server, 'ok', clock, 600);
    const before = admission.state.callsPerSecond;
    admitSetUp(admission, server);
    expect(admission.state.callsPerSecond).toBeLessThanOrEqual(before * 0.7 + 1e-9);
    const cut = admission.state.callsPerSecond;
    clock.advance(1000);
    admitSetUp(admission, server);
    // A healthy window without refusals leaves the rate alone.
    expect(admission.state.callsPerSecond).toBe(cut);
  });

  it('leaves the rate alone after a lone slow or failed set-up, however often one recurs', () => {
    const { clock, server, admission } = setup({ callsPerSecond: 40, slowSetupMs: 500 });
    for (let second = 0; second < 20; second++) {
      for (let i = 0; i < 29; i++) admitSetUp(admission, server, 'ok', clock, 30);
      // One set-up in the second takes 0.6 s (a pause on the host) or fails.
      admitSetUp(admission, server, second % 2 === 0 ? 'ok' : 'failed', clock, 600);
      clock.advance(1000 - 29 * 30 - 600);
    }
    admitSetUp(admission, server);
    expect(admission.state.callsPerSecond).toBe(40);
  });

  it('needs 5% of the set-ups in a window troubled to cut the rate', () => {
    const run = (slowCalls: number) => {
      const { clock, server, admission } = setup({ callsPerSecond: 200, slowSetupMs: 500 });
      const slow = Array.from({ length: slowCalls }, () => admission.admit(server));
      for (let i = 0; i < 100 - slowCalls; i++) admitSetUp(admission, server, 'ok', clock, 5);
      clock.advance(600);
      for (const decision of slow) if (decision.admitted) decision.mediaSetUp?.('ok');
      clock.advance(1000);
      admission.admit(server);
      return admission.state.callsPerSecond;
    };
    expect(run(4)).toBe(200);
    expect(run(5)).toBeLessThan(200);
  });

  it('raises the rate by 5% of the ceiling per window that refused demand, never past the ceiling', () => {
    const { clock, server, admission } = setup({ callsPerSecond: 20, minCallsPerSecond: 2 });
    // Two failures in a window that admitted two calls: 70% of 2/s, held at the 2/s floor.
    failWindows(admission, server, clock, 1);
    admitSetUp(admission, server);
    expect(admission.state.callsPerSecond).toBe(2);
    const rates: number[] = [];
    for (let second = 0; second < 30; second++) {
      // More demand than the rate: some calls are refused for rate each second.
      for (let i = 0; i < 25; i++) {
        const decision = admitSetUp(admission, server);
        if (decision.admitted) decision.release();
      }
      clock.advance(1000);
      admitSetUp(admission, server);
      rates.push(admission.state.callsPerSecond);
    }
    expect(rates[0]).toBe(3);
    expect(Math.max(...rates)).toBe(20);
    expect(rates.at(-1)).toBe(20);
  });

  it('never cuts the rate below its floor', () => {
    // A burst allowance that lets both failing calls of every window in.
    const { clock, server, admission } = setup({
      callsPerSecond: 10,
      minCallsPerSecond: 3,
      burst: 10,
    });
    for (let window = 0; window < 10; window++) {
      failWindows(admission, server, clock, 1);
      admitSetUp(admission, server);
      expect(admission.state.callsPerSecond).toBe(3);
    }
  });
});
