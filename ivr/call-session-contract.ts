import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../platform/switchboard-error.ts';
import type { CallSession, HangupCause } from './call-session.ts';

/**
 * A live call under test plus the far end's controls. The simulated session
 * drives these on a simulated clock; the FreeSWITCH adapter drives them with a
 * real SIP caller (sipp or a second endpoint) and real waits.
 */
export interface CallSessionTestFixture {
  /** A fresh, unanswered call from the caller to the system. */
  readonly session: CallSession;
  /** The caller presses `keys` now (RFC 2833 / INFO on a real call). */
  pressKeys(keys: string): Promise<void>;
  /** The caller hangs up now. */
  callerHangsUp(): Promise<void>;
  /** Lets `ms` of call time pass and everything due in it happen. */
  elapse(ms: number): Promise<void>;
  /** Releases the call and anything the fixture opened. */
  close(): Promise<void>;
}

/** Tracks a promise so a test can ask whether it has settled yet without awaiting it. */
function observe<T>(promise: Promise<T>): {
  readonly settled: boolean;
  readonly promise: Promise<T>;
} {
  const state = { settled: false, promise };
  promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

/**
 * Captures how `promise` fails, attached at once so a rejection that happens
 * while the test is still driving the call is not reported as unhandled.
 */
function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected the operation to reject'),
    (reason: unknown) => reason,
  );
}

async function expectCallEnded(failure: Promise<unknown>): Promise<void> {
  const error = await failure;
  expect(error).toBeInstanceOf(SwitchboardError);
  expect((error as SwitchboardError).code).toBe('unavailable');
  expect((error as SwitchboardError).details).toEqual({ reason: 'hangup' });
}

const silence = (durationMs: number) => ({ kind: 'silence', durationMs }) as const;

/**
 * The behaviour every {@link CallSession} must show. Call it from a test file
 * with a factory that builds a fresh fixture per test.
 *
 * @example
 * describeCallSessionContract('SimulatedCallSession', async () => simulatedFixture());
 */
export function describeCallSessionContract(
  name: string,
  createFixture: () => Promise<CallSessionTestFixture>,
): void {
  describe(`CallSession contract: ${name}`, () => {
    const withFixture =
      (test: (fixture: CallSessionTestFixture) => Promise<void>) => async (): Promise<void> => {
        const fixture = await createFixture();
        try {
          await test(fixture);
        } finally {
          await fixture.close();
        }
      };

    it(
      'answers once and is live until hung up',
      withFixture(async ({ session }) => {
        await session.answer();
        await session.answer();
        expect(session.ended).toBe(false);
        expect(session.callId).not.toBe('');
      }),
    );

    it(
      'collects digits up to the finish key, which is left out',
      withFixture(async (fixture) => {
        await fixture.session.answer();
        const collecting = fixture.session.collectDigits({
          minDigits: 1,
          maxDigits: 10,
          finishKey: '#',
          firstDigitTimeoutMs: 5000,
          interDigitTimeoutMs: 3000,
        });
        await fixture.elapse(500);
        await fixture.pressKeys('12#');
        await expect(collecting).resolves.toEqual({ digits: '12', endedBy: 'finishKey' });
      }),
    );

    it(
      'stops at maxDigits and keeps extra keys for the next collection',
      withFixture(async (fixture) => {
        await fixture.session.answer();
        const options = {
          minDigits: 1,
          maxDigits: 3,
          firstDigitTimeoutMs: 5000,
          interDigitTimeoutMs: 3000,
        };
        const first = fixture.session.collectDigits(options);
        await fixture.elapse(200);
        await fixture.pressKeys('1234');
        await expect(first).resolves.toEqual({ digits: '123', endedBy: 'maxDigits' });
        const second = fixture.session.collectDigits({ ...options, maxDigits: 1 });
        await fixture.elapse(10);
        await expect(second).resolves.toEqual({ digits: '4', endedBy: 'maxDigits' });
      }),
    );

    it(
      'times out with no digits when the caller stays silent',
      withFixture(async (fixture) => {
        await fixture.session.answer();
        const collecting = observe(
          fixture.session.collectDigits({
            minDigits: 1,
            maxDigits: 1,
            firstDigitTimeoutMs: 4000,
            interDigitTimeoutMs: 2000,
          }),
        );
        await fixture.elapse(3000);
        expect(collecting.settled).toBe(false);
        await fixture.elapse(1500);
        await expect(collecting.promise).resolves.toEqual({ digits: '', endedBy: 'timeout' });
      }),
    );

    it(
      'ends on the inter-digit timeout with the digits so far',
      withFixture(async (fixture) => {
        await fixture.session.answer();
        const collecting = fixture.session.collectDigits({
          minDigits: 4,
          maxDigits: 4,
          firstDigitTimeoutMs: 5000,
          interDigitTimeoutMs: 2000,
        });
        await fixture.elapse(100);
        await fixture.pressKeys('7');
        await fixture.elapse(2500);
        await expect(collecting).resolves.toEqual({ digits: '7', endedBy: 'timeout' });
      }),
    );

    it(
      'lets an interrupt key stop a prompt and keeps that key for the next collection',
      withFixture(async (fixture) => {
        await fixture.session.answer();
        const playing = observe(
          fixture.session.play([silence(20_000)], { interruptKeys: '0123456789' }),
        );
        await fixture.elapse(1000);
        expect(playing.settled).toBe(false);
        await fixture.pressKeys('5');
        await expect(playing.promise).resolves.toEqual({ interruptedBy: '5' });
        const collecting = fixture.session.collectDigits({
          minDigits: 1,
          maxDigits: 1,
          firstDigitTimeoutMs: 5000,
          interDigitTimeoutMs: 1000,
        });
        await fixture.elapse(10);
        await expect(collecting).resolves.toEqual({ digits: '5', endedBy: 'maxDigits' });
      }),
    );

    it(
      'plays a non-interruptible prompt to the end',
      withFixture(async (fixture) => {
        await fixture.session.answer();
        const playing = observe(fixture.session.play([silence(3000)]));
        await fixture.elapse(1000);
        await fixture.pressKeys('9');
        await fixture.elapse(1000);
        expect(playing.settled).toBe(false);
        await fixture.elapse(1500);
        await expect(playing.promise).resolves.toEqual({});
      }),
    );

    it(
      'reports every key to DTMF listeners until they unsubscribe',
      withFixture(async (fixture) => {
        await fixture.session.answer();
        const heard: string[] = [];
        const unsubscribe = fixture.session.onDtmf((digit) => heard.push(digit));
        await fixture.pressKeys('1*');
        unsubscribe();
        await fixture.pressKeys('2');
        expect(heard).toEqual(['1', '*']);
      }),
    );

    it(
      'rejects pending and later operations once the caller hangs up, and says why',
      withFixture(async (fixture) => {
        await fixture.session.answer();
        const causes: HangupCause[] = [];
        fixture.session.onHangup((cause) => causes.push(cause));
        const collecting = failureOf(
          fixture.session.collectDigits({
            minDigits: 1,
            maxDigits: 1,
            firstDigitTimeoutMs: 10_000,
            interDigitTimeoutMs: 1000,
          }),
        );
        await fixture.elapse(1000);
        await fixture.callerHangsUp();
        await expectCallEnded(collecting);
        expect(fixture.session.ended).toBe(true);
        expect(causes).toEqual(['callerHungUp']);
        await expectCallEnded(failureOf(fixture.session.play([silence(100)])));
        const late: HangupCause[] = [];
        fixture.session.onHangup((cause) => late.push(cause));
        expect(late).toEqual(['callerHungUp']);
      }),
    );

    it(
      'hangs up from the system side once, with the given cause',
      withFixture(async (fixture) => {
        await fixture.session.answer();
        const causes: HangupCause[] = [];
        fixture.session.onHangup((cause) => causes.push(cause));
        await fixture.session.hangup('normal');
        await fixture.session.hangup('flowError');
        expect(fixture.session.ended).toBe(true);
        expect(causes).toEqual(['normal']);
      }),
    );

    it(
      'abandons an operation when its signal aborts and stays usable',
      withFixture(async (fixture) => {
        await fixture.session.answer();
        const controller = new AbortController();
        const collecting = fixture.session.collectDigits({
          minDigits: 1,
          maxDigits: 1,
          firstDigitTimeoutMs: 10_000,
          interDigitTimeoutMs: 1000,
          signal: controller.signal,
        });
        await fixture.elapse(500);
        const reason = new Error('flow moved on');
        controller.abort(reason);
        await expect(collecting).rejects.toBe(reason);
        expect(fixture.session.ended).toBe(false);
        const playing = fixture.session.play([silence(200)]);
        await fixture.elapse(300);
        await expect(playing).resolves.toEqual({});
      }),
    );

    it(
      'records until the finish key',
      withFixture(async (fixture) => {
        await fixture.session.answer();
        const recording = fixture.session.record({
          beep: true,
          maxLengthMs: 60_000,
          silenceTimeoutMs: 30_000,
          finishKey: '#',
        });
        await fixture.elapse(2000);
        await fixture.pressKeys('#');
        const result = await recording;
        expect(result.endedBy).toBe('finishKey');
        expect(result.durationMs).toBeGreaterThanOrEqual(2000);
        expect(result.recordingUri).not.toBe('');
      }),
    );

    it(
      'keeps a recording the caller ends by hanging up',
      withFixture(async (fixture) => {
        await fixture.session.answer();
        const recording = fixture.session.record({
          beep: false,
          maxLengthMs: 60_000,
          silenceTimeoutMs: 30_000,
          finishKey: '#',
        });
        await fixture.elapse(3000);
        await fixture.callerHangsUp();
        const result = await recording;
        expect(result.endedBy).toBe('hangup');
        expect(result.durationMs).toBeGreaterThanOrEqual(3000);
      }),
    );
  });
}
