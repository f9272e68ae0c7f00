import { describe, expect, it } from 'vitest';
import { describeCallSessionContract } from './call-session-contract.ts';
import { SimulatedCallClock } from './simulated-call-clock.ts';
import { SimulatedCallSession } from './simulated-call-session.ts';

function simulatedSession(caller = {}) {
  const clock = new SimulatedCallClock(1_000_000);
  const session = new SimulatedCallSession({
    callId: 'call-1',
    callerNumber: '+15550001111',
    dialedNumber: '+15550002222',
    clock,
    caller,
  });
  return { clock, session };
}

describeCallSessionContract('SimulatedCallSession', () => {
  const { clock, session } = simulatedSession();
  return Promise.resolve({
    session,
    pressKeys: async (keys: string) => {
      session.press(keys);
      await clock.advance(0);
    },
    callerHangsUp: async () => {
      session.callerHangsUp();
      await clock.advance(0);
    },
    elapse: (ms: number) => clock.advance(ms),
    close: async () => {
      await session.hangup('normal');
      expect(clock.pendingTimerCount).toBe(0);
    },
  });
});

describe('SimulatedCallSession', () => {
  it('types scripted answers after each question, then stays silent', async () => {
    const { clock, session } = simulatedSession({ answers: ['2', '', '41#'] });
    const ask = () =>
      session.collectDigits({
        prompts: [{ kind: 'tts', text: 'Choose', language: 'en' }],
        minDigits: 1,
        maxDigits: 4,
        finishKey: '#',
        firstDigitTimeoutMs: 5000,
        interDigitTimeoutMs: 2000,
      });
    expect(await clock.run(ask())).toEqual({ digits: '2', endedBy: 'timeout' });
    expect(await clock.run(ask())).toEqual({ digits: '', endedBy: 'timeout' });
    expect(await clock.run(ask())).toEqual({ digits: '41', endedBy: 'finishKey' });
    expect(await clock.run(ask())).toEqual({ digits: '', endedBy: 'timeout' });
    const pressed = session.transcript.filter((entry) => entry.kind === 'pressed');
    expect(pressed.map((entry) => entry.digit).join('')).toBe('241#');
  });

  it('hangs up on schedule and leaves no timers behind', async () => {
    const { clock, session } = simulatedSession({ hangupAtMs: 7000 });
    const playing = session.play([{ kind: 'silence', durationMs: 60_000 }]);
    const outcome = await clock.run(
      playing.then(
        () => 'finished',
        () => 'rejected',
      ),
    );
    expect(outcome).toBe('rejected');
    expect(session.hangupCause).toBe('callerHungUp');
    expect(session.transcript.at(-1)).toEqual({
      atMs: 7000,
      kind: 'hungUp',
      by: 'caller',
      cause: 'callerHungUp',
    });
    expect(clock.pendingTimerCount).toBe(0);
  });

  it('ends the session as transferred when the far end answers', async () => {
    const { clock, session } = simulatedSession();
    const result = await clock.run(session.transfer('+15559990000', { timeoutMs: 20_000 }));
    expect(result).toEqual({ outcome: 'answered' });
    expect(session.hangupCause).toBe('transferred');
  });

  it('reports no answer when the far end outlasts the transfer timeout', async () => {
    const clock = new SimulatedCallClock();
    const session = new SimulatedCallSession({
      callId: 'c',
      callerNumber: '1',
      dialedNumber: '2',
      clock,
      transfer: () => ({ outcome: 'answered', afterMs: 30_000 }),
    });
    const result = await clock.run(session.transfer('sip:desk@example.com', { timeoutMs: 15_000 }));
    expect(result).toEqual({ outcome: 'noAnswer' });
    expect(clock.now()).toBe(15_000);
    expect(session.ended).toBe(false);
  });
});
