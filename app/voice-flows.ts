import type { IdGenerator } from '../platform/id-generator.ts';
import type { FlowEvent, FlowOutcome } from '../ivr/flow-event.ts';
import { startFlow, type FlowServices } from '../ivr/start-flow.ts';
import type { FlowDefinition } from '../ivr/validate-flow.ts';
import type { CallRecordSink } from '../media/call-record/call-record.ts';
import type { FlowResult, FlowRunner, PublishedFlow } from '../media/sip/inbound-call-handler.ts';

/**
 * Runs published flows for the inbound handler on the IVR runtime
 * (`ivr/start-flow.ts`), writes what the flow did onto the call's timeline
 * (`call_events`, types `flow.*`), and tells the call record where the call
 * went.
 *
 * @example
 * const flows = voiceFlowRunner({ services, records, ids });
 * new InboundCallHandler({ ..., flows });
 */
export function voiceFlowRunner(options: {
  readonly services: Omit<FlowServices, 'events'>;
  readonly records: CallRecordSink;
  readonly ids: IdGenerator;
}): FlowRunner {
  const events = flowEventsToCallEvents(options.records, options.ids);
  return {
    async run(flow, session, progress) {
      const withProgress = (event: FlowEvent): void => {
        events(event);
        if (event.type === 'disposition') progress?.(event.disposition);
      };
      const run = startFlow(
        definitionOf(flow),
        { session },
        { ...options.services, events: withProgress },
      );
      return flowResultOf(await run.done);
    },
  };
}

/**
 * One FlowDefinition per stored definition: the route lookup shares each
 * version's (frozen) definition between calls, and the flow's XState machine
 * is cached per FlowDefinition object (`flowMachineFor`), so a fresh wrapper
 * per call would rebuild the machine for every call (0.9 ms of CPU per call
 * at 30 calls/s, profiled with bench:sip).
 */
const definitions = new WeakMap<object, FlowDefinition>();

/** A stored flow version as the runtime loads it; `file` names the version for logs. */
export function definitionOf(flow: PublishedFlow): FlowDefinition {
  const file = `${flow.name}@v${flow.version}`;
  const known = definitions.get(flow.definition);
  if (known !== undefined && known.file === file) return known;
  const id = typeof flow.definition['id'] === 'string' ? flow.definition['id'] : flow.name;
  const definition: FlowDefinition = { id, file, config: flow.definition };
  definitions.set(flow.definition, definition);
  return definition;
}

/**
 * Flow events as call events. Keys the caller pressed are left out: a flow
 * may collect card or account numbers, and the timeline is not PCI scope.
 */
export function flowEventsToCallEvents(records: CallRecordSink, ids: IdGenerator) {
  return (event: FlowEvent): void => {
    const { callId, atMs, flowId, type } = event;
    let payload: Record<string, unknown>;
    switch (event.type) {
      case 'flowStarted':
        payload = {};
        break;
      case 'stateEntered':
        payload = { statePath: event.statePath };
        break;
      case 'stepResult':
        payload = { statePath: event.statePath, step: event.step, status: event.output.status };
        break;
      case 'stepFailed':
        payload = { statePath: event.statePath, step: event.step, error: event.error };
        break;
      case 'dtmf':
        payload = {};
        break;
      case 'disposition':
        payload = { disposition: event.disposition };
        break;
      case 'flowEnded':
        payload = {
          reason: event.outcome.reason,
          finalState: event.outcome.finalState,
          steps: event.outcome.steps,
          ...(event.outcome.error === undefined ? {} : { error: event.outcome.error }),
        };
        break;
    }
    records.write({
      kind: 'event',
      event: {
        eventId: ids.next(),
        callId,
        type: `flow.${type}`,
        occurredAt: new Date(atMs),
        payload: { flowId, ...payload },
      },
    });
  };
}

/** What the call record needs from how the flow ended. */
export function flowResultOf(outcome: FlowOutcome): FlowResult {
  const disposition = outcome.disposition;
  switch (disposition?.kind) {
    case 'queued':
      // The queue's name, as routing knows it; the call record resolves it to the row.
      return {
        enqueued: true,
        bridged: disposition.result === 'answered',
        requestedCallback: disposition.result === 'callback',
        queueId: disposition.queueId,
        ...(disposition.agentId === undefined ? {} : { agentId: disposition.agentId }),
      };
    case 'voicemail':
      return { leftVoicemail: true };
    case 'transfer':
    case 'hungUp':
    case undefined:
      return {};
  }
}
