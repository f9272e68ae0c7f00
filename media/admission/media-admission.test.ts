import { describe, expect, it } from 'vitest';
import { SimulatedCallClock } from '../../ivr/simulated-call-clock.ts';
import { ManualClock } from '../../platform/clock.ts';
import { MediaServerTwin } from '../freeswitch/media-server-twin.ts';
import { MediaAdmission } from './media-admission.ts';

function setup(limits: Partial<ConstructorParameters<typeof MediaAdmission>[1]> = {}) {
  const clock = new ManualClock(0);
  const server = new MediaServerTwin(new SimulatedCallClock(0));
  const admission = new MediaAdmission(clock, { callsPerSecond: 10, maxCalls: 100, ...limits });
  return { clock, server, admission };
}

describe('MediaAdmission', () => {
  it('admits a burst up to the rate, refuses the excess with Retry-After, and refills', () => {
    const { clock, server, admission } = setup({ callsPerSecond: 10 });
    const decisions = Array.from({ length: 12 }, () => admission.admit(server));
    expect(decisions.filter((d) => d.admitted)).toHaveLength(10);
    expect(decisions[11]).toMatchObject({
      admitted: false,
      retryAfterSeconds: 1,
      why: 'call rate above limit',
    });
    clock.advance(500);
    expect(Array.from({ length: 6 }, () => admission.admit(server).admitted)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
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
});
