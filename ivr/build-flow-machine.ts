import { assign, fromPromise, setup, type EventObject } from 'xstate';
import { actorTable } from './actors/actor-table.ts';
import type { StepContext } from './actors/ivr-actor.ts';
import type { Acd } from './acd.ts';
import type { FlowContext, StepOutput } from './flow-context.ts';
import { isRecord, statePathText } from './flow-states.ts';
import { guardTable } from './guards/guard-table.ts';
import { readingKey, type QueueReading } from './guards/ivr-guard.ts';
import type { FlowDefinition } from './validate-flow.ts';

/** The hooks a running flow calls back into; `startFlow` provides them per call with {@link bindFlowCall}. */
export interface FlowCallBindings {
  readonly acd: Acd;
  /** Called on entering every state; throws to stop a flow that exceeds its step limit. */
  stateEntered(statePath: string): void;
  /** The context a step runs with. */
  stepContext(flow: FlowContext, signal: AbortSignal): StepContext;
  stepFinished(statePath: string, step: string, output: StepOutput): void;
  stepFailed(statePath: string, step: string, error: unknown): void;
}

/** The call clock guards read (business hours); shared by every call on it. */
export interface FlowMachineClock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** Events the runtime sends into every flow. */
export type FlowMachineEvent =
  | { readonly type: 'call.dtmf'; readonly digit: string }
  | { readonly type: 'call.hangup'; readonly cause: string };

interface StepInput {
  readonly step: string;
  readonly statePath: string;
  readonly params: unknown;
  readonly flow: FlowContext;
}

/** Where the runtime parks a flow whose caller hung up. */
export const endedState = '__ended';

const readQueuesActor = 'flow.readQueues';

/** Each running flow's bindings, by its actor system (one per call). */
const callBindings = new WeakMap<object, FlowCallBindings>();

/** Machines built so far: per flow definition (shared per published version) and clock. */
const machines = new WeakMap<FlowDefinition, WeakMap<FlowMachineClock, FlowMachine>>();

export type FlowMachine = ReturnType<typeof buildFlowMachine>;

/**
 * The XState machine for a validated flow, built once per definition and
 * clock and shared by every call that runs it: building one (the state node
 * tree, every step's actor) cost about as much as the rest of a short call's
 * flow work. What differs per call reaches the shared machine through the
 * actor's system: call {@link bindFlowCall} before starting the actor.
 *
 * @example
 * const actor = createActor(flowMachineFor(definition, clock), { clock, input: { context } });
 * bindFlowCall(actor, bindings);
 * actor.start();
 */
export function flowMachineFor(definition: FlowDefinition, clock: FlowMachineClock): FlowMachine {
  let byClock = machines.get(definition);
  if (byClock === undefined) {
    byClock = new WeakMap();
    machines.set(definition, byClock);
  }
  let machine = byClock.get(clock);
  if (machine === undefined) {
    machine = buildFlowMachine(definition, clock);
    byClock.set(clock, machine);
  }
  return machine;
}

/** Gives one call's actor its bindings (before `start`). */
export function bindFlowCall(actor: { readonly system: object }, bindings: FlowCallBindings): void {
  callBindings.set(actor.system, bindings);
}

function bindingsOf(system: object): FlowCallBindings {
  const bindings = callBindings.get(system);
  if (bindings === undefined) throw new Error('flow actor started without bindFlowCall');
  return bindings;
}

/**
 * Builds the XState machine for a validated flow. The flow file's states are
 * kept as written; the runtime only adds what no author should have to
 * write: an entry hook on every state (flow events, step limit), result
 * bookkeeping on every step's onDone/onError, a root-level hang-up
 * transition to a final state, and a fresh ACD reading before decisions
 * that depend on one. Steps and guards come from the vocabulary tables via
 * `setup()`; each call's hooks are looked up through the actor's system.
 */
function buildFlowMachine(definition: FlowDefinition, clock: FlowMachineClock) {
  const actors = Object.fromEntries(
    [...actorTable.values()].map((step) => [
      step.name,
      fromPromise<StepOutput, StepInput>(async ({ input, signal, system }) => {
        const bindings = bindingsOf(system);
        try {
          const output = await step.run(input.params, bindings.stepContext(input.flow, signal));
          // A step that outlives its state (the caller hung up) has no result to report.
          if (!signal.aborted) bindings.stepFinished(input.statePath, input.step, output);
          return output;
        } catch (error) {
          if (!signal.aborted) bindings.stepFailed(input.statePath, input.step, error);
          throw error;
        }
      }),
    ]),
  );
  const guards = Object.fromEntries(
    [...guardTable.values()].map((guard) => [
      guard.name,
      ({ context, event }: { context: FlowContext; event: EventObject }, params: unknown) => {
        const output = stepResultOf(event);
        return guard.check(guard.params.parse(params ?? {}), {
          // Guards on a step's onDone see the step's result as already stored.
          context: output === undefined ? context : withResult(context, output),
          result: output ?? context.lastResult,
          now: clock.now(),
          readings: readingsOf(event),
        });
      },
    ]),
  );
  const flowSetup = setup({
    types: {
      context: {} as FlowContext,
      events: {} as FlowMachineEvent,
      input: {} as { context: FlowContext },
    },
    actors: {
      ...actors,
      [readQueuesActor]: fromPromise<{ readings: Record<string, number> }, readonly QueueReading[]>(
        ({ input, system }) => readQueues(bindingsOf(system).acd, input),
      ),
    },
    guards,
    actions: {
      'flow.stateEntered': ({ system }, params: { statePath: string }) =>
        bindingsOf(system).stateEntered(params.statePath),
      'flow.storeResult': assign(({ context, event }) => {
        const output = stepResultOf(event);
        return output === undefined ? {} : withResult(context, output);
      }),
      'flow.storeError': assign(({ event }) => {
        const error = (event as EventObject & { error?: unknown }).error;
        return {
          lastResult: {
            status: 'error',
            error: error instanceof Error ? error.message : String(error),
          },
        };
      }),
    },
  });
  const config = rootConfig(definition);
  return flowSetup.createMachine(
    config as unknown as Parameters<typeof flowSetup.createMachine>[0],
  );
}

function rootConfig(definition: FlowDefinition): Record<string, unknown> {
  const source = definition.config;
  const states = isRecord(source['states']) ? source['states'] : {};
  const rootOn = isRecord(source['on']) ? source['on'] : {};
  return {
    id: definition.id,
    initial: source['initial'],
    context: ({ input }: { input: { context: FlowContext } }) => input.context,
    states: {
      ...mapStates(states, []),
      [endedState]: { type: 'final' },
    },
    on: { ...rootOn, 'call.hangup': { target: `.${endedState}` } },
  };
}

function mapStates(
  states: Record<string, unknown>,
  parent: readonly string[],
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(states).map(([key, node]) => [
      key,
      stateConfig(node as Record<string, unknown>, [...parent, key]),
    ]),
  );
}

function stateConfig(
  node: Record<string, unknown>,
  path: readonly string[],
): Record<string, unknown> {
  const statePath = statePathText(path);
  const out: Record<string, unknown> = {
    ...node,
    entry: [{ type: 'flow.stateEntered', params: { statePath } }],
  };
  if (isRecord(node['states'])) out['states'] = mapStates(node['states'], path);
  const invoke = node['invoke'];
  if (isRecord(invoke) && typeof invoke['src'] === 'string') {
    const step = actorTable.get(invoke['src']);
    if (step !== undefined) {
      const params: unknown = step.params.parse(invoke['input'] ?? {});
      out['invoke'] = {
        ...invoke,
        input: ({ context }: { context: FlowContext }): StepInput => ({
          step: step.name,
          statePath,
          params,
          flow: context,
        }),
        onDone: withAction(invoke['onDone'], 'flow.storeResult'),
        onError: withAction(invoke['onError'], 'flow.storeError'),
      };
    }
  }
  const readings = queueReadings(node);
  if (readings.length > 0) {
    // Guards are synchronous but the ACD is not: read it on entry, then decide on onDone.
    out['invoke'] = {
      src: readQueuesActor,
      input: readings,
      onDone: node['always'],
      onError: node['always'],
    };
    delete out['always'];
  }
  return out;
}

/** ACD readings needed by the guards on a state's `always` transitions. */
function queueReadings(node: Record<string, unknown>): QueueReading[] {
  const always = node['always'];
  const transitions = Array.isArray(always) ? always : always === undefined ? [] : [always];
  return transitions.flatMap((transition) => {
    const guard = isRecord(transition) ? transition['guard'] : undefined;
    if (!isRecord(guard) || typeof guard['type'] !== 'string') return [];
    const definition = guardTable.get(guard['type']);
    if (definition?.readings === undefined) return [];
    return definition.readings(definition.params.parse(guard['params'] ?? {}));
  });
}

/** Adds `action` to every transition; none stays none, so an unhandled step error still stops the flow. */
function withAction(transitions: unknown, action: string): unknown {
  if (transitions === undefined) return undefined;
  const list = Array.isArray(transitions) ? transitions : [transitions];
  return list.map((transition) => {
    if (typeof transition === 'string') return { target: transition, actions: [action] };
    return { ...(transition as Record<string, unknown>), actions: [action] };
  });
}

async function readQueues(
  acd: Acd,
  readings: readonly QueueReading[],
): Promise<{ readings: Record<string, number> }> {
  const values = await Promise.all(
    readings.map((reading) =>
      reading.kind === 'agentsAvailable'
        ? acd.agentsAvailable(reading.queueId, reading.skills)
        : acd.queueEstimatedWaitSeconds(reading.queueId),
    ),
  );
  return {
    readings: Object.fromEntries(
      readings.map((reading, index) => [readingKey(reading), values[index] ?? 0]),
    ),
  };
}

/** The context once a step's output is stored: last result, digits, variables. */
function withResult(context: FlowContext, output: StepOutput): FlowContext {
  return {
    ...context,
    lastResult: output,
    digits: typeof output.digits === 'string' ? output.digits : context.digits,
    vars: { ...context.vars, ...(output.variables ?? {}) },
  };
}

/** The output of a step that just finished, if `event` is its done event. */
function stepResultOf(event: EventObject): StepOutput | undefined {
  if (!event.type.startsWith('xstate.done.actor.')) return undefined;
  const output = (event as EventObject & { output?: unknown }).output;
  if (!isRecord(output) || typeof output['status'] !== 'string') return undefined;
  return output as unknown as StepOutput;
}

function readingsOf(event: EventObject): Readonly<Record<string, number>> {
  const output = (event as EventObject & { output?: unknown }).output;
  if (isRecord(output) && isRecord(output['readings']))
    return output['readings'] as Record<string, number>;
  return {};
}
