import { createLogger } from '../platform/logger.ts';
import { SequentialIdGenerator } from '../platform/id-generator.ts';
import type { TransferResult } from './call-session.ts';
import type { TranscriptEntry } from './call-transcript.ts';
import type { FlowValue } from './flow-context.ts';
import type { FlowEvent, FlowOutcome } from './flow-event.ts';
import { isRecord, listStates } from './flow-states.ts';
import { InMemoryAcd } from './in-memory-acd.ts';
import { InMemoryVoicemailBox } from './in-memory-voicemail-box.ts';
import type { PromptLibrary } from './prompt-library.ts';
import { SimulatedCallClock } from './simulated-call-clock.ts';
import { SimulatedCallSession } from './simulated-call-session.ts';
import { startFlow, type FlowLimits } from './start-flow.ts';
import type { FlowDefinition } from './validate-flow.ts';

/** How the simulated world behaves around the flow. */
export interface SimulationOptions {
  /** The caller's number. */
  readonly from: string;
  /** The number dialled; default `+15550000000`. */
  readonly to?: string;
  /** Keys typed each time the flow waits for digits (`''` stays silent). */
  readonly keys?: readonly string[];
  /** The caller hangs up after this many seconds. */
  readonly hangupAfterSeconds?: number;
  /** Epoch milliseconds the call starts at (business hours depend on it). */
  readonly startAt: number;
  /** The caller's contact tags, e.g. `['vip']`. */
  readonly callerTags?: readonly string[];
  /** Flow variables overriding the file's `context`, e.g. a test CRM's base URL. */
  readonly variables?: Readonly<Record<string, FlowValue>>;
  /** Agents logged in to every queue the flow names; default 1. */
  readonly agents?: number;
  /** How long agents take to answer an offer; default 10 s. */
  readonly agentAnswerSeconds?: number;
  /** How long a connected agent talks; default 120 s. */
  readonly talkSeconds?: number;
  /** Queues' max wait before the caller times out of line; default unlimited. */
  readonly queueMaxWaitSeconds?: number;
  /** Average handle time behind wait estimates; default 180 s. */
  readonly averageHandleSeconds?: number;
  /** How transfers go; default answered after 5 s. */
  readonly transferResult?: TransferResult['outcome'];
  /** How long the caller talks when recorded; default 8 s. */
  readonly speechSeconds?: number;
  readonly prompts: PromptLibrary;
  /** Real fetch for `httpLookup`; default the global one. */
  readonly fetch?: typeof fetch;
  readonly plainHttpHosts?: readonly string[];
  readonly limits?: Partial<FlowLimits>;
}

/** One line of a simulated call: something the caller experienced or the flow did. */
export type SimulationEntry =
  | { readonly source: 'call'; readonly atMs: number; readonly entry: TranscriptEntry }
  | { readonly source: 'flow'; readonly atMs: number; readonly event: FlowEvent };

export interface SimulationReport {
  readonly flowId: string;
  readonly file: string;
  readonly callId: string;
  readonly from: string;
  readonly to: string;
  /** ISO time the simulated call started. */
  readonly startedAt: string;
  readonly timeline: readonly SimulationEntry[];
  readonly outcome: FlowOutcome;
  readonly voicemails: readonly {
    readonly mailbox: string;
    readonly voicemailId: string;
    readonly ticketId: string;
  }[];
  /** Timers still scheduled after the call; anything but 0 is a leak. */
  readonly timersLeft: number;
}

/**
 * Runs a flow against a scripted caller, in-memory ACD agents and voicemail,
 * on a simulated clock: an hour-long call takes milliseconds. HTTP lookups
 * are real requests. Never throws for a broken call: errors end up in the
 * outcome.
 *
 * @example
 * const report = await simulateFlow(definition, { from: '+15551230000', keys: ['2'],
 *   startAt: Date.parse('2025-03-03T15:00:00Z'), prompts: new PromptLibrary('flows/prompts') });
 */
export async function simulateFlow(
  definition: FlowDefinition,
  options: SimulationOptions,
): Promise<SimulationReport> {
  const clock = new SimulatedCallClock(options.startAt);
  const timeline: SimulationEntry[] = [];
  const callId = 'sim-call-1';
  const to = options.to ?? '+15550000000';
  const session = new SimulatedCallSession({
    callId,
    callerNumber: options.from,
    dialedNumber: to,
    clock,
    caller: {
      answers: options.keys ?? [],
      hangupAtMs:
        options.hangupAfterSeconds === undefined ? undefined : options.hangupAfterSeconds * 1000,
      speechMs: (options.speechSeconds ?? 8) * 1000,
    },
    promptDurationMs: (prompt) => options.prompts.durationMs(prompt),
    agentTalkMs: (options.talkSeconds ?? 120) * 1000,
    transfer: () => ({ outcome: options.transferResult ?? 'answered', afterMs: 5000 }),
    onTranscript: (entry) => timeline.push({ source: 'call', atMs: entry.atMs, entry }),
  });
  const acd = new InMemoryAcd({ clock });
  const { queues, skills } = queuesAndSkills(definition);
  for (const queue of queues) {
    acd.addQueue(queue, {
      maxWaitSeconds: options.queueMaxWaitSeconds,
      averageHandleSeconds: options.averageHandleSeconds,
    });
  }
  const agents = options.agents ?? 1;
  for (let n = 1; n <= agents; n++) {
    acd.addAgent(`agent-${n}`, {
      queueIds: queues,
      skills: Object.fromEntries(skills.map((skill) => [skill, 10])),
      answerAfterMs: (options.agentAnswerSeconds ?? 10) * 1000,
    });
  }
  const voicemail = new InMemoryVoicemailBox(new SequentialIdGenerator('sim'));
  const run = startFlow(
    definition,
    { session, callerTags: options.callerTags, variables: options.variables },
    {
      acd,
      voicemail,
      clock,
      logger: createLogger({ level: 'silent' }),
      fetch: options.fetch,
      plainHttpHosts: options.plainHttpHosts,
      external: (work) => clock.hold(work),
      limits: options.limits,
      events: (event) => {
        if (event.type !== 'dtmf') {
          timeline.push({ source: 'flow', atMs: event.atMs - options.startAt, event });
        }
      },
    },
  );
  const outcome = await clock.run(run.done);
  acd.close();
  return {
    flowId: definition.id,
    file: definition.file,
    callId,
    from: options.from,
    to,
    startedAt: new Date(options.startAt).toISOString(),
    timeline,
    outcome,
    voicemails: voicemail.messages.map(({ mailbox, voicemailId, ticketId }) => ({
      mailbox,
      voicemailId,
      ticketId,
    })),
    timersLeft: clock.pendingTimerCount,
  };
}

/** Queues and skills a flow mentions, so the simulated ACD can staff them. */
function queuesAndSkills(definition: FlowDefinition): { queues: string[]; skills: string[] } {
  const queues = new Set<string>();
  const skills = new Set<string>();
  const collect = (params: unknown) => {
    if (!isRecord(params)) return;
    if (typeof params['queue'] === 'string') queues.add(params['queue']);
    if (isRecord(params['skills']))
      for (const skill of Object.keys(params['skills'])) skills.add(skill);
  };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (isRecord(value)) {
      if (typeof value['src'] === 'string') collect(value['input']);
      if (typeof value['type'] === 'string' && 'params' in value) collect(value['params']);
      Object.values(value).forEach(visit);
    }
  };
  for (const state of listStates(definition.config)) {
    visit(state.node['invoke']);
    visit(state.node['always']);
  }
  return { queues: [...queues], skills: [...skills] };
}
