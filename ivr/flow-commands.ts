import { InvalidArgumentError, Option, type Command } from 'commander';
import { isAbsolute, relative, resolve } from 'node:path';
import type { TransferResult } from './call-session.ts';
import type { FlowValue } from './flow-context.ts';
import { formatProblem } from './flow-problem.ts';
import { formatSimulation } from './format-simulation.ts';
import { defaultPromptsDirectory, validateFlowFile } from './load-flow.ts';
import { PromptLibrary } from './prompt-library.ts';
import { parseKeysOption } from './scripted-caller.ts';
import { simulateFlow } from './simulate-flow.ts';

/** Where command output goes and what relative paths are relative to. */
export interface FlowCommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  /** The wall clock, for `simulate` without `--at`; default `Date.now`. */
  readonly now?: () => number;
}

interface SimulateOptions {
  from: string;
  to?: string;
  keys: string;
  hangupAfter?: number;
  json?: boolean;
  at?: number;
  tag: string[];
  set: Record<string, FlowValue>;
  agents: number;
  answerAfter: number;
  talk: number;
  maxWait?: number;
  handleTime?: number;
  transfer: TransferResult['outcome'];
  prompts?: string;
}

/**
 * Adds `flows validate` and `flows simulate` to the CLI.
 *
 * Exit status: each action sets `process.exitCode` (0 on success, 1 when a
 * flow is invalid or cannot be simulated) and never calls `process.exit`, so
 * the CLI can finish writing output and close connections first.
 *
 * @example
 * const program = new Command('switchboard');
 * registerFlowCommands(program, { stdout: (s) => process.stdout.write(s),
 *   stderr: (s) => process.stderr.write(s), cwd: process.cwd() });
 * await program.parseAsync(process.argv);
 */
export function registerFlowCommands(program: Command, io: FlowCommandIo): void {
  const flows = program.command('flows').description('Validate and simulate IVR flow files');
  const inCwd = (file: string) => (isAbsolute(file) ? file : resolve(io.cwd, file));
  const shown = (file: string) => (isAbsolute(file) ? relative(io.cwd, file) || file : file);

  flows
    .command('validate')
    .description('Check flow files; prints every problem as file:line:column: state: message')
    .argument('<files...>', 'flow files (.json, .yaml, .yml)')
    .option('--prompts <dir>', 'prompt audio directory (default: prompts/ beside each flow)')
    .action(async (files: string[], options: { prompts?: string }) => {
      let invalid = 0;
      for (const file of files) {
        const path = inCwd(file);
        const library = new PromptLibrary(
          options.prompts === undefined ? defaultPromptsDirectory(path) : inCwd(options.prompts),
        );
        const result = await validateFlowFile(path, library);
        if (result.problems.length === 0) {
          io.stdout(`${shown(file)}: valid\n`);
          continue;
        }
        invalid += 1;
        for (const problem of result.problems)
          io.stdout(`${formatProblem({ ...problem, file: shown(file) })}\n`);
      }
      if (invalid > 0) io.stderr(`${invalid} of ${files.length} flow files are invalid\n`);
      process.exitCode = invalid > 0 ? 1 : 0;
    });

  flows
    .command('simulate')
    .description(
      'Run a flow with a scripted caller and print what the caller hears and where the call ends',
    )
    .argument('<file>', 'flow file')
    .option('--from <number>', "the caller's number", '+15551230000')
    .option('--to <number>', 'the number dialled', '+15550000000')
    .option(
      '--keys <list>',
      'keys typed at each prompt, comma separated; empty item stays silent',
      '',
    )
    .option('--hangup-after <seconds>', 'the caller hangs up after this many seconds', seconds)
    .option('--json', 'print the transcript and outcome as JSON')
    .option(
      '--at <time>',
      'when the call happens, ISO 8601 (default: now); business hours depend on it',
      isoTime,
    )
    .option(
      '--tag <tag>',
      "a tag on the caller's contact record, e.g. vip (repeatable)",
      collect,
      [],
    )
    .option(
      '--set <name=value>',
      'set a flow variable before the flow starts (repeatable)',
      assignment,
      {},
    )
    .option('--agents <count>', 'agents logged in to every queue', count, 1)
    .option('--answer-after <seconds>', 'how long agents take to answer', seconds, 10)
    .option('--talk <seconds>', 'how long a connected agent talks', seconds, 120)
    .option('--max-wait <seconds>', 'queues time callers out after this long', seconds)
    .option(
      '--handle-time <seconds>',
      'average handle time behind wait estimates (default 180)',
      seconds,
    )
    .addOption(
      new Option('--transfer <result>', 'how transfers go')
        .choices(['answered', 'busy', 'noAnswer', 'failed'])
        .default('answered'),
    )
    .option('--prompts <dir>', 'prompt audio directory (default: prompts/ beside the flow)')
    .action(async (file: string, options: SimulateOptions) => {
      const path = inCwd(file);
      const library = new PromptLibrary(
        options.prompts === undefined ? defaultPromptsDirectory(path) : inCwd(options.prompts),
      );
      const validation = await validateFlowFile(path, library);
      if (validation.definition === undefined) {
        for (const problem of validation.problems)
          io.stderr(`${formatProblem({ ...problem, file: shown(file) })}\n`);
        io.stderr(`${shown(file)} is not a valid flow; fix it before simulating\n`);
        process.exitCode = 1;
        return;
      }
      let keys: string[];
      try {
        keys = parseKeysOption(options.keys);
      } catch (error) {
        io.stderr(`${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
        return;
      }
      const report = await simulateFlow(
        { ...validation.definition, file: shown(file) },
        {
          from: options.from,
          to: options.to,
          keys,
          hangupAfterSeconds: options.hangupAfter,
          startAt: options.at ?? (io.now ?? Date.now)(),
          callerTags: options.tag,
          variables: options.set,
          agents: options.agents,
          agentAnswerSeconds: options.answerAfter,
          talkSeconds: options.talk,
          queueMaxWaitSeconds: options.maxWait,
          averageHandleSeconds: options.handleTime,
          transferResult: options.transfer,
          prompts: library,
        },
      );
      io.stdout(
        options.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatSimulation(report),
      );
      process.exitCode = 0;
    });
}

function seconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0)
    throw new InvalidArgumentError('must be a number of seconds');
  return parsed;
}

function count(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new InvalidArgumentError('must be a whole number');
  return parsed;
}

function isoTime(value: string): number {
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed))
    throw new InvalidArgumentError('must be a time like 2025-03-03T10:00:00-05:00');
  return parsed;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function assignment(value: string, previous: Record<string, FlowValue>): Record<string, FlowValue> {
  const match = /^([A-Za-z_]\w*)=(.*)$/.exec(value);
  if (match === null) throw new InvalidArgumentError('must look like name=value');
  const [, name = '', raw = ''] = match;
  return { ...previous, [name]: raw };
}
