// Runtime tests: real XState machines on a simulated clock with a simulated
// call session, the in-memory ACD and voicemail box. No real timers.
import { toPromise } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../platform/logger.ts';
import { SequentialIdGenerator } from '../platform/id-generator.ts';
import { SwitchboardError } from '../platform/switchboard-error.ts';
import type { FlowEvent } from './flow-event.ts';
import { InMemoryAcd } from './in-memory-acd.ts';
import { InMemoryVoicemailBox } from './in-memory-voicemail-box.ts';
import { loadFlow } from './load-flow.ts';
import type { ScriptedCaller } from './scripted-caller.ts';
import { SimulatedCallClock } from './simulated-call-clock.ts';
import { SimulatedCallSession } from './simulated-call-session.ts';
import { startFlow, type FlowLimits } from './start-flow.ts';
import { validateFlowSource, type FlowDefinition } from './validate-flow.ts';

function flow(yaml: string): FlowDefinition {
  const result = validateFlowSource(yaml, 'inline.yaml', { promptExists: () => true });
  if (result.definition === undefined)
    throw new Error(result.problems.map((p) => p.message).join('\n'));
  return result.definition;
}

/** A simulated clock with an ACD (queue `support`) and a voicemail box, shared by the calls on it. */
function place() {
  const clock = new SimulatedCallClock(Date.parse('2025-03-03T15:00:00Z'));
  const acd = new InMemoryAcd({ clock });
  acd.addQueue('support');
  const voicemail = new InMemoryVoicemailBox(new SequentialIdGenerator('t'));
  return { clock, acd, voicemail };
}

/** Starts one call of `definition` at `where`, collecting its flow events. */
function call(
  where: ReturnType<typeof place>,
  definition: FlowDefinition,
  caller: ScriptedCaller = {},
  options: { callId?: string; limits?: Partial<FlowLimits> } = {},
) {
  const { clock, acd, voicemail } = where;
  const session = new SimulatedCallSession({
    callId: options.callId ?? 'call-42',
    callerNumber: '+15551230000',
    dialedNumber: '+15550000000',
    clock,
    caller,
  });
  const events: FlowEvent[] = [];
  const run = startFlow(
    definition,
    { session },
    {
      acd,
      voicemail,
      clock,
      logger: createLogger({ level: 'silent' }),
      events: (event) => events.push(event),
      limits: options.limits,
    },
  );
  return { session, events, run };
}

function world(
  definition: FlowDefinition,
  caller: ScriptedCaller = {},
  limits?: Partial<FlowLimits>,
) {
  const where = place();
  const started = where.clock.now();
  return { ...where, ...call(where, definition, caller, { limits }), started };
}

const askForAccount = flow(`
id: ask
initial: answer
states:
  answer:
    invoke: { src: answer, onDone: ask }
  ask:
    invoke:
      src: gather
      input:
        prompt: { text: Please enter your account number }
        minDigits: 6
        maxDigits: 6
        firstDigitTimeoutSeconds: 10
        interDigitTimeoutSeconds: 5
      onDone:
        - guard: { type: resultIs, params: { status: match } }
          target: thanks
        - target: bye
  thanks:
    invoke: { src: play, input: { prompt: { text: Thank you } }, onDone: bye }
  bye:
    invoke: { src: hangup }
`);

describe('startFlow', () => {
  it('stops within 100 ms of a caller hanging up mid-gather and leaves no timers behind', async () => {
    const { clock, session, run, started } = world(askForAccount, {
      timedKeys: [{ atMs: 3000, keys: '12' }],
      hangupAtMs: 4000,
    });
    const snapshotOutput = toPromise(run.actor);
    const outcome = await clock.run(run.done);
    await snapshotOutput;
    expect(outcome.reason).toBe('callerHungUp');
    expect(outcome.finalState).toBe('ask');
    expect(clock.now() - started - 4000).toBeLessThanOrEqual(100);
    expect(outcome.durationMs).toBeLessThanOrEqual(4100);
    expect(clock.pendingTimerCount).toBe(0);
    expect(run.actor.getSnapshot().status).toBe('done');
    expect(session.hangupCause).toBe('callerHungUp');
  });

  it('collects digits and moves on when the caller types them', async () => {
    const { clock, run, events } = world(askForAccount, { answers: ['123456'] });
    const outcome = await clock.run(run.done);
    expect(outcome.reason).toBe('completed');
    expect(outcome.finalState).toBe('bye');
    const entered = events.filter((e) => e.type === 'stateEntered').map((e) => e.statePath);
    expect(entered).toEqual(['answer', 'ask', 'thanks', 'bye']);
    expect(events.every((e) => e.callId === 'call-42' && e.flowId === 'ask')).toBe(true);
    const gathered = events.find((e) => e.type === 'stepResult' && e.step === 'gather');
    expect(gathered).toMatchObject({ output: { status: 'match', digits: '123456' } });
    expect(events.at(-1)).toMatchObject({ type: 'flowEnded', outcome: { reason: 'completed' } });
  });

  it('shares one machine between calls of a flow, each call keeping its own digits and events', async () => {
    const where = place();
    const start = (callId: string, caller: ScriptedCaller) =>
      call(where, askForAccount, caller, { callId });
    // Started together, so their steps interleave on the one clock.
    const a = start('call-a', { answers: ['123456'] });
    const b = start('call-b', { answers: ['12', ''] });
    expect(a.run.actor.logic).toBe(b.run.actor.logic);
    const [outcomeA, outcomeB] = await where.clock.run(Promise.all([a.run.done, b.run.done]));
    const path = (events: FlowEvent[]) =>
      events.filter((e) => e.type === 'stateEntered').map((e) => e.statePath);
    expect(outcomeA.reason).toBe('completed');
    expect(outcomeB.reason).toBe('completed');
    expect(path(a.events)).toEqual(['answer', 'ask', 'thanks', 'bye']);
    expect(path(b.events)).toEqual(['answer', 'ask', 'bye']);
    expect(a.events.every((e) => e.callId === 'call-a')).toBe(true);
    expect(b.events.every((e) => e.callId === 'call-b')).toBe(true);
    expect(a.run.actor.getSnapshot().context.digits).toBe('123456');
    expect(b.run.actor.getSnapshot().context.digits).not.toBe('123456');
  });

  it('hangs up at the maximum call duration and takes the caller out of the queue', async () => {
    const definition = flow(`
id: wait
initial: queue
states:
  queue:
    invoke: { src: enqueue, input: { queue: support }, onDone: bye, onError: bye }
  bye:
    invoke: { src: hangup }
`);
    const { clock, session, acd, run } = world(definition, {}, { maxCallDurationMs: 60_000 });
    const outcome = await clock.run(run.done);
    expect(outcome.reason).toBe('maxDuration');
    expect(outcome.durationMs).toBe(60_000);
    expect(session.hangupCause).toBe('maxDurationReached');
    expect(await acd.position('call-42')).toBeNull();
    expect(clock.pendingTimerCount).toBe(0);
  });

  it('stops a flow that loops past the step limit', async () => {
    // Built without the validator, which would refuse a flow that never ends.
    const looping: FlowDefinition = {
      id: 'loop',
      file: 'loop.json',
      config: {
        id: 'loop',
        initial: 'a',
        states: {
          a: { invoke: { src: 'play', input: { prompt: { text: 'one' } }, onDone: 'b' } },
          b: { invoke: { src: 'play', input: { prompt: { text: 'two' } }, onDone: 'a' } },
        },
      },
    };
    const { clock, session, run } = world(looping, {}, { maxSteps: 10 });
    const outcome = await clock.run(run.done);
    expect(outcome.reason).toBe('maxSteps');
    expect(outcome.steps).toBe(11);
    expect(outcome.error).toMatch(/limit of 10/);
    expect(session.hangupCause).toBe('flowError');
    expect(clock.pendingTimerCount).toBe(0);
  });

  it('forwards DTMF to the flow as call.dtmf events', async () => {
    const definition = flow(`
id: dtmf
initial: music
states:
  music:
    invoke: { src: play, input: { prompt: { text: "please hold while we find someone to help you today" } }, onDone: bye }
    on:
      call.dtmf: pressed
  pressed:
    invoke: { src: play, input: { prompt: { text: you pressed a key } }, onDone: bye }
  bye:
    invoke: { src: hangup }
`);
    const { clock, run, events } = world(definition, { timedKeys: [{ atMs: 1000, keys: '5' }] });
    const outcome = await clock.run(run.done);
    expect(outcome.reason).toBe('completed');
    expect(events.filter((e) => e.type === 'stateEntered').map((e) => e.statePath)).toEqual([
      'music',
      'pressed',
      'bye',
    ]);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'dtmf', digit: '5', callId: 'call-42' }),
    );
  });

  it('ends the call with flowError when a step fails with no onError', async () => {
    const definition = flow(`
id: fails
initial: say
context: { balance: lots }
states:
  say:
    invoke: { src: say, input: { kind: money, value: "{{vars.balance}}" }, onDone: bye }
  bye:
    invoke: { src: hangup }
`);
    const { clock, session, run, events } = world(definition);
    const outcome = await clock.run(run.done);
    expect(outcome.reason).toBe('error');
    expect(session.hangupCause).toBe('flowError');
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'stepFailed', step: 'say', error: '"lots" is not a number' }),
    );
  });

  it('takes onError and records the error as the last result', async () => {
    const definition = flow(`
id: recovers
initial: say
context: { balance: lots }
states:
  say:
    invoke: { src: say, input: { kind: money, value: "{{vars.balance}}" }, onDone: bye, onError: sorry }
  sorry:
    invoke: { src: play, input: { prompt: { text: sorry } }, onDone: bye }
  bye:
    invoke: { src: hangup }
`);
    const { clock, run } = world(definition);
    const outcome = await clock.run(run.done);
    expect(outcome.reason).toBe('completed');
    expect(outcome.finalState).toBe('bye');
  });

  it('keeps a voicemail the caller finishes by hanging up', async () => {
    const definition = flow(`
id: vm
initial: record
states:
  record:
    invoke: { src: voicemail, input: { mailbox: support, prompt: { text: leave a message } }, onDone: bye }
  bye:
    invoke: { src: hangup }
`);
    const { clock, voicemail, run } = world(definition, { speechMs: 60_000, hangupAtMs: 20_000 });
    const outcome = await clock.run(run.done);
    expect(outcome.reason).toBe('callerHungUp');
    expect(voicemail.messages).toHaveLength(1);
    expect(voicemail.messages[0]).toMatchObject({ mailbox: 'support', callId: 'call-42' });
    expect(outcome.disposition).toMatchObject({ kind: 'voicemail', mailbox: 'support' });
    expect(clock.pendingTimerCount).toBe(0);
  });

  it('keeps the place in line of a caller who asks for a callback', async () => {
    const definition = flow(`
id: cb
initial: queue
states:
  queue:
    invoke:
      src: enqueue
      input: { queue: support, announcePosition: false, announceWait: false, callback: { offerPrompt: { text: press one }, confirmPrompt: { text: ok } } }
      onDone: bye
      onError: bye
  bye:
    invoke: { src: hangup }
`);
    const { clock, acd, run } = world(definition, { answers: ['1'] });
    const outcome = await clock.run(run.done);
    expect(outcome.disposition).toEqual({
      kind: 'queued',
      queueId: 'support',
      priority: 3,
      result: 'callback',
    });
    expect(await acd.position('call-42')).toBe(1);
    expect(acd.callbackNumberOf('call-42')).toBe('+15551230000');
  });

  it('refuses to load a broken flow, listing its problems', async () => {
    const error: unknown = await loadFlow(
      new URL('./test-fixtures/unknown-actor.json', import.meta.url).pathname,
    ).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(SwitchboardError);
    expect((error as SwitchboardError).code).toBe('flow_invalid');
    expect((error as SwitchboardError).message).toMatch(/menu: unknown actor "gahter"/);
  });
});
