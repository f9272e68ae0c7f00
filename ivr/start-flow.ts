import { createActor, toPromise, type Actor } from 'xstate';
import type { Logger } from '../platform/logger.ts';
import type { StepContext } from './actors/ivr-actor.ts';
import type { Acd } from './acd.ts';
import {
  bindFlowCall,
  flowMachineFor,
  type FlowCallBindings,
  type FlowMachine,
} from './build-flow-machine.ts';
import type { CallClock } from './call-clock.ts';
import type { CallSession, HangupCause } from './call-session.ts';
import type { Disposition, FlowContext, FlowValue } from './flow-context.ts';
import type { FlowEvent, FlowEventSink, FlowOutcome } from './flow-event.ts';
import type { FlowDefinition } from './validate-flow.ts';
import type { VoicemailBox } from './voicemail-box.ts';

/** Safety limits that stop a flow which loops or never lets go of a caller. */
export interface FlowLimits {
  /** The call is hung up (cause `maxDurationReached`) after this long in the flow. Default 2 hours. */
  readonly maxCallDurationMs: number;
  /** The flow stops after entering this many states. Default 1000. */
  readonly maxSteps: number;
}

export const defaultFlowLimits: FlowLimits = Object.freeze({
  maxCallDurationMs: 2 * 60 * 60 * 1000,
  maxSteps: 1000,
});

/** What a flow runs against, passed in so the same flow runs live, in tests and in the simulator. */
export interface FlowServices {
  readonly acd: Acd;
  readonly voicemail: VoicemailBox;
  readonly clock: CallClock;
  readonly logger: Logger;
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
  /** Hosts `httpLookup` may call over plain http; default loopback only. */
  readonly plainHttpHosts?: readonly string[];
  readonly events?: FlowEventSink;
  /** Wraps real IO; the simulator uses it to hold its clock still. Default: identity. */
  readonly external?: <T>(work: Promise<T>) => Promise<T>;
  readonly limits?: Partial<FlowLimits>;
}

/** The call a flow runs for. */
export interface FlowCall {
  readonly session: CallSession;
  /** Tags of the caller's contact record, for `callerHasTag`. */
  readonly callerTags?: readonly string[];
  /** Variables set before the flow starts; they override the flow file's `context`. */
  readonly variables?: Readonly<Record<string, FlowValue>>;
}

/** A flow running for one call. */
export interface FlowRun {
  readonly callId: string;
  /** The XState actor, for inspection; stop the flow by hanging up the session. */
  readonly actor: Actor<FlowMachine>;
  /**
   * Settles once the flow has ended, the call is hung up and every cleanup
   * (leaving a queue, storing a voicemail) has finished. Never rejects.
   */
  readonly done: Promise<FlowOutcome>;
}

class StepLimitReached extends Error {}

const loopbackHosts = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Starts a flow for a live call. DTMF is forwarded to the flow as
 * `call.dtmf`; the caller hanging up ends the flow at once, aborting the
 * current step. When the flow ends for any reason the call is hung up.
 *
 * @example
 * const flow = await loadFlow('flows/main-menu.json');
 * const run = startFlow(flow, { session, callerTags: ['vip'] },
 *   { acd, voicemail, clock: systemCallClock, logger, events: (e) => recorder.write(e) });
 * const outcome = await run.done;
 */
export function startFlow(
  definition: FlowDefinition,
  call: FlowCall,
  services: FlowServices,
): FlowRun {
  const { session } = call;
  const { clock } = services;
  const limits = { ...defaultFlowLimits, ...services.limits };
  const logger = services.logger.child({ callId: session.callId, flowId: definition.id });
  const startedAt = clock.now();
  const tracked = new Set<Promise<unknown>>();
  let steps = 0;
  let currentState = '';
  let disposition: Disposition | null = null;
  let hangupCause: HangupCause | undefined;
  let maxDurationReached = false;

  const emit = (event: DistributiveOmit<FlowEvent, 'callId' | 'flowId' | 'atMs'>) => {
    const tagged = {
      callId: session.callId,
      flowId: definition.id,
      atMs: clock.now(),
      ...event,
    } as FlowEvent;
    try {
      services.events?.(tagged);
    } catch (error) {
      // A failing recorder must not take the call down with it.
      logger.error({ err: error }, 'flow event sink failed');
    }
  };

  const stepContext = (flow: FlowContext, signal: AbortSignal): StepContext => ({
    session,
    acd: services.acd,
    voicemail: services.voicemail,
    clock,
    fetch: services.fetch ?? globalThis.fetch,
    plainHttpHosts: services.plainHttpHosts ?? loopbackHosts,
    flow,
    signal,
    logger,
    report: (next) => {
      // Where the call went matters more than the goodbye that followed it.
      if (next.kind === 'hungUp' && disposition !== null) return;
      disposition = next;
      emit({ type: 'disposition', disposition: next });
    },
    external: services.external ?? ((work) => work),
    track: (work) => {
      tracked.add(work);
      const forget = () => tracked.delete(work);
      work.then(forget, forget);
      return work;
    },
  });

  const bindings = {
    acd: services.acd,
    stateEntered: (statePath) => {
      steps += 1;
      currentState = statePath;
      emit({ type: 'stateEntered', statePath });
      if (steps > limits.maxSteps) {
        throw new StepLimitReached(
          `entered ${steps} states, more than the limit of ${limits.maxSteps}`,
        );
      }
    },
    stepContext,
    stepFinished: (statePath, step, output) =>
      emit({ type: 'stepResult', statePath, step, output }),
    stepFailed: (statePath, step, error) => {
      const message = error instanceof Error ? error.message : String(error);
      logger.warn({ statePath, step, err: error }, 'flow step failed');
      emit({ type: 'stepFailed', statePath, step, error: message });
    },
  } satisfies FlowCallBindings;

  const context: FlowContext = {
    call: {
      id: session.callId,
      callerNumber: session.callerNumber,
      dialedNumber: session.dialedNumber,
      tags: [...(call.callerTags ?? [])],
    },
    vars: { ...initialVariables(definition), ...call.variables },
    digits: '',
    lastResult: null,
  };
  const actor = createActor(flowMachineFor(definition, clock), { clock, input: { context } });
  bindFlowCall(actor, bindings);
  const finished = toPromise(actor);
  emit({ type: 'flowStarted' });
  actor.start();

  const stopDtmf = session.onDtmf((digit) => {
    emit({ type: 'dtmf', digit });
    actor.send({ type: 'call.dtmf', digit });
  });
  const stopHangup = session.onHangup((cause) => {
    hangupCause = cause;
    // The far end answering ends our part of the call before the step can report it.
    if (cause === 'transferred' && disposition?.kind === 'transfer') {
      disposition = { ...disposition, result: 'answered' };
    }
    actor.send({ type: 'call.hangup', cause });
  });
  const maxDuration = clock.setTimeout(() => {
    maxDurationReached = true;
    void session.hangup('maxDurationReached');
  }, limits.maxCallDurationMs);

  const done = (async (): Promise<FlowOutcome> => {
    let failure: unknown;
    try {
      await finished;
    } catch (error) {
      failure = error;
    }
    clock.clearTimeout(maxDuration);
    stopDtmf();
    stopHangup();
    actor.stop();
    if (!session.ended) await session.hangup(failure === undefined ? 'normal' : 'flowError');
    while (tracked.size > 0) await Promise.allSettled([...tracked]);
    const outcome: FlowOutcome = {
      callId: session.callId,
      flowId: definition.id,
      reason: reasonFor(failure, maxDurationReached, hangupCause),
      finalState: currentState,
      disposition,
      durationMs: clock.now() - startedAt,
      steps,
      ...(failure === undefined ? {} : { error: describeError(failure) }),
    };
    if (failure !== undefined && !(failure instanceof StepLimitReached)) {
      logger.error({ err: failure, state: currentState }, 'flow failed');
    }
    emit({ type: 'flowEnded', outcome });
    return outcome;
  })();

  return { callId: session.callId, actor, done };
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : JSON.stringify(error);
}

function reasonFor(
  failure: unknown,
  maxDurationReached: boolean,
  cause: HangupCause | undefined,
): FlowOutcome['reason'] {
  if (failure instanceof StepLimitReached) return 'maxSteps';
  if (failure !== undefined) return 'error';
  if (maxDurationReached) return 'maxDuration';
  if (cause === 'callerHungUp') return 'callerHungUp';
  if (cause === 'transferred') return 'transferred';
  return 'completed';
}

function initialVariables(definition: FlowDefinition): Record<string, FlowValue> {
  const context = definition.config['context'];
  return typeof context === 'object' && context !== null
    ? { ...(context as Record<string, FlowValue>) }
    : {};
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
