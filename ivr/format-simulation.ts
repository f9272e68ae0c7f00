import type { Disposition } from './flow-context.ts';
import type { FlowOutcome } from './flow-event.ts';
import { describePrompt, formatSeconds } from './call-transcript.ts';
import type { SimulationEntry, SimulationReport } from './simulate-flow.ts';

/**
 * The simulator's readable transcript: what the caller heard and pressed,
 * the states the flow went through, and where the call ended.
 */
export function formatSimulation(report: SimulationReport): string {
  const lines = [
    `Simulated call ${report.callId} from ${report.from} to ${report.to} at ${report.startedAt}`,
    `Flow ${report.flowId} (${report.file})`,
    '',
  ];
  for (const item of report.timeline) {
    const text = describeEntry(item);
    if (text !== undefined) lines.push(`${formatSeconds(item.atMs).padStart(9)}  ${text}`);
  }
  lines.push('', `Outcome: ${describeOutcome(report.outcome)}`);
  return `${lines.join('\n')}\n`;
}

function describeEntry(item: SimulationEntry): string | undefined {
  if (item.source === 'flow') {
    const event = item.event;
    switch (event.type) {
      case 'stateEntered':
        return `-> state ${event.statePath}`;
      case 'stepResult':
        return `   ${event.step} result: ${event.output.status}${detail(event.output)}`;
      case 'stepFailed':
        return `   ${event.step} failed: ${event.error}`;
      case 'flowStarted':
      case 'flowEnded':
      case 'disposition':
      case 'dtmf':
        return undefined;
    }
  }
  const entry = item.entry;
  switch (entry.kind) {
    case 'answered':
      return 'call answered';
    case 'heard':
      return `caller hears ${describePrompt(entry.prompt)}`;
    case 'promptInterrupted':
      return `prompt cut short by ${entry.digit}`;
    case 'pressed':
      return `caller presses ${entry.digit}`;
    case 'holdMusic':
      return `caller hears hold music "${entry.name}"`;
    case 'beep':
      return 'caller hears a beep';
    case 'recorded':
      return `recorded ${formatSeconds(entry.durationMs)} (ended by ${entry.endedBy})`;
    case 'bridged':
      return `connected to agent ${entry.agentId}`;
    case 'bridgeEnded':
      return `agent ${entry.agentId} hung up after ${formatSeconds(entry.durationMs)}`;
    case 'transferring':
      return `dialling ${entry.destination}`;
    case 'transferEnded':
      return `transfer to ${entry.destination}: ${entry.outcome}`;
    case 'hungUp':
      return entry.by === 'caller' ? 'caller hangs up' : `call hung up (${entry.cause})`;
  }
}

function detail(output: Record<string, unknown>): string {
  const parts = ['choice', 'digits', 'agentId']
    .filter((key) => typeof output[key] === 'string' && output[key] !== '')
    .map((key) => `${key} ${String(output[key])}`);
  const variables = output['variables'];
  if (typeof variables === 'object' && variables !== null && Object.keys(variables).length > 0) {
    parts.push(
      `set ${Object.entries(variables)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(', ')}`,
    );
  }
  return parts.length === 0 ? '' : ` (${parts.join('; ')})`;
}

/** One sentence on where the call went, e.g. "queued to support with priority 3, answered by agent-1". */
export function describeOutcome(outcome: FlowOutcome): string {
  const where =
    outcome.disposition === null ? 'went nowhere' : describeDisposition(outcome.disposition);
  const how: Record<FlowOutcome['reason'], string> = {
    completed: 'flow completed',
    callerHungUp: 'caller hung up',
    transferred: 'call transferred',
    maxDuration: 'stopped at the maximum call duration',
    maxSteps: 'stopped at the maximum step count',
    error: `flow failed: ${outcome.error ?? 'unknown error'}`,
  };
  return `${where}; ${how[outcome.reason]} in state ${outcome.finalState} after ${formatSeconds(outcome.durationMs)}`;
}

function describeDisposition(disposition: Disposition): string {
  switch (disposition.kind) {
    case 'queued': {
      const base = `queued to ${disposition.queueId} with priority ${disposition.priority}`;
      switch (disposition.result) {
        case 'answered':
          return `${base}, answered by ${disposition.agentId ?? 'an agent'}`;
        case 'callback':
          return `${base}, callback requested (place kept)`;
        case 'timedOut':
          return `${base}, timed out of the queue`;
        case 'waiting':
        case 'abandoned':
          return `${base}, still waiting`;
      }
      break;
    }
    case 'transfer':
      return `transferred to ${disposition.destination} (${disposition.result})`;
    case 'voicemail':
      return `voicemail left in mailbox ${disposition.mailbox} (ticket ${disposition.ticketId})`;
    case 'hungUp':
      return `hung up by the flow (${disposition.cause})`;
  }
}
