import type { Logger } from '../platform/logger.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import type { FlowEvent, FlowOutcome } from '../ivr/flow-event.ts';
import { startFlow, type FlowServices } from '../ivr/start-flow.ts';
import type { FlowDefinition } from '../ivr/validate-flow.ts';
import type { CallRecordSink } from '../media/call-record/call-record.ts';
import type { FlowResult, FlowRunner, PublishedFlow } from '../media/sip/inbound-call-handler.ts';

/** Finds the Postgres id of a routing queue, which routing knows by name. */
export type QueueIdByName = (name: string) => Promise<string | undefined>;

/**
 * Runs published flows for the inbound handler on the IVR runtime
 * (`ivr/start-flow.ts`), writes what the flow did onto the call's timeline
 * (`call_events`, types `flow.*`), and tells the call record where the call
 * went.
 *
 * @example
 * const flows = voiceFlowRunner({ services, records, ids, queueIdByName, logger });
 * new InboundCallHandler({ ..., flows });
 */
export function voiceFlowRunner(options: {
  readonly services: Omit<FlowServices, 'events'>;
  readonly records: CallRecordSink;
  readonly ids: IdGenerator;
  readonly queueIdByName: QueueIdByName;
  readonly logger: Logger;
}): FlowRunner {
  const events = flowEventsToCallEvents(options.records, options.ids);
  return {
    async run(flow, session) {
      const run = startFlow(definitionOf(flow), { session }, { ...options.services, events });
      return flowResultOf(await run.done, options.queueIdByName, options.logger);
    },
  };
}

/** A stored flow version as the runtime loads it; `file` names the version for logs. */
export function definitionOf(flow: PublishedFlow): FlowDefinition {
  const id = typeof flow.definition['id'] === 'string' ? flow.definition['id'] : flow.name;
  return { id, file: `${flow.name}@v${flow.version}`, config: flow.definition };
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
export async function flowResultOf(
  outcome: FlowOutcome,
  queueIdByName: QueueIdByName,
  logger: Logger,
): Promise<FlowResult> {
  const disposition = outcome.disposition;
  switch (disposition?.kind) {
    case 'queued': {
      // calls.queue_id references queues.id; routing names queues by name.
      const queueId = await queueIdByName(disposition.queueId).catch((error: unknown) => {
        logger.warn({ err: error, queue: disposition.queueId }, 'queue id lookup failed');
        return undefined;
      });
      return {
        enqueued: true,
        bridged: disposition.result === 'answered',
        requestedCallback: disposition.result === 'callback',
        ...(queueId === undefined ? {} : { queueId }),
        ...(disposition.agentId === undefined ? {} : { agentId: disposition.agentId }),
      };
    }
    case 'voicemail':
      return { leftVoicemail: true };
    case 'transfer':
    case 'hungUp':
    case undefined:
      return {};
  }
}
