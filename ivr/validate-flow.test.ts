import { mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { maxFlowSourceBytes } from '../platform/document-limits.ts';
import { formatProblem } from './flow-problem.ts';
import { validateFlowFile } from './load-flow.ts';
import { PromptLibrary } from './prompt-library.ts';
import { validateFlowSource } from './validate-flow.ts';

const root = join(import.meta.dirname, '..');
const prompts = new PromptLibrary(join(root, 'flows', 'prompts'));
const fixture = (name: string) => join(import.meta.dirname, 'test-fixtures', name);

async function problemsOf(
  name: string,
): Promise<{ statePath: string; message: string; line?: number; column?: number }[]> {
  const result = await validateFlowFile(fixture(name), prompts);
  return result.problems.map(({ statePath, message, line, column }) => ({
    statePath,
    message,
    line,
    column,
  }));
}

describe('validateFlowFile on the sample flows', () => {
  const samples = readdirSync(join(root, 'flows')).filter((file) => /\.(json|ya?ml)$/.test(file));

  it('finds the samples', () => {
    expect(samples.length).toBeGreaterThanOrEqual(4);
  });

  it.each(samples)('accepts flows/%s', async (file) => {
    const result = await validateFlowFile(join(root, 'flows', file));
    expect(result.problems.map(formatProblem)).toEqual([]);
    expect(result.definition?.id).toBeTruthy();
  });
});

describe('validateFlowFile on broken flows', () => {
  it('accepts the unbroken base the fixtures start from', async () => {
    expect(await problemsOf('valid-minimal.json')).toEqual([]);
  });

  // Inline, not fixture files: formatters would repair or choke on them.
  it.each([
    [
      'broken.json',
      '{\n  "id": "x",\n  "states": {\n    "a": { "type": "final" },\n  }\n}\n',
      /^cannot parse: Expected double-quoted property name$/,
      5,
      3,
    ],
    [
      'broken.yaml',
      'id: x\ninitial: a\nstates:\n  a:\n    invoke:\n      src: answer\n     onDone: b\n',
      /^cannot parse: All mapping items must start at the same column/,
      7,
      1,
    ],
  ])('reports where %s stops parsing', (file, text, message, line, column) => {
    const { problems } = validateFlowSource(text, file, { promptExists: () => true });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file, statePath: '(file)', line, column });
    expect(problems[0]?.message).toMatch(message);
  });

  it.each([
    ['unknown-actor.json', 'menu', /^unknown actor "gahter" \(known: answer, play/],
    ['unknown-guard.json', 'menu', /^unknown guard "menuChoise"/],
    ['no-way-out.json', 'limbo', /^no way out/],
    ['menu-without-noinput.json', 'menu', /^menu has no no-input handling/],
    ['no-ending.json', '(root)', /^no path ends the call/],
    ['missing-prompt.json', 'menu', /^prompt audio prompts\/en\/no-such-prompt\.wav is missing$/],
    ['unreachable-state.json', 'orphan', /^unreachable/],
    ['runs-code.json', 'sales', /^"entry" would run code/],
    ['acd-guard-on-step.json', 'menu', /^agentsAvailable reads the ACD/],
    ['handles-hangup.json', 'sales', /"call\.hangup" cannot be handled/],
    [
      'always-loop.yaml',
      'checkVip',
      /^"always" transitions loop without waiting: checkVip -> checkAgain -> checkVip$/,
    ],
  ])('rejects %s with exactly one problem at %s', async (name, statePath, message) => {
    const problems = await problemsOf(name);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.statePath).toBe(statePath);
    expect(problems[0]?.message).toMatch(message);
    expect(problems[0]?.line).toBeGreaterThan(0);
  });

  it('names each bad parameter by field', async () => {
    const problems = await problemsOf('bad-params.json');
    expect(problems.map((p) => `${p.statePath}: ${p.message}`)).toEqual([
      'menu: invoke.input.prompt: is required',
      'menu: invoke.input.retries: Invalid input: expected number, received string',
    ]);
  });

  it('reports a missing target and what it leaves unreachable', async () => {
    const problems = await problemsOf('missing-target.json');
    expect(problems.map((p) => `${p.statePath}: ${p.message}`)).toEqual([
      'menu: transition invoke.onDone[0] goes to "salse", which does not exist',
      'sales: unreachable: no transition leads here',
      'done: unreachable: no transition leads here',
    ]);
  });

  it('reports a file that does not exist', async () => {
    const problems = await problemsOf('nope.json');
    expect(problems).toEqual([{ statePath: '(file)', message: 'cannot read: file not found' }]);
  });
});

describe('validateFlowSource details', () => {
  const check = (source: string, file = 'inline.yaml') =>
    validateFlowSource(source, file, { promptExists: () => true }).problems.map(
      (p) => `${p.statePath}: ${p.message}`,
    );

  it('resolves nested, sibling and #id targets', () => {
    const source = `
id: nested
initial: outer
states:
  outer:
    initial: first
    states:
      first:
        invoke: { src: answer, onDone: second }
      second:
        invoke: { src: play, input: { prompt: { text: hi } }, onDone: '#nested.bye' }
  bye:
    invoke: { src: hangup }
`;
    expect(check(source)).toEqual([]);
  });

  it('rejects placeholders that name nothing and events no one sends', () => {
    const source = `
id: templates
initial: speak
states:
  speak:
    invoke: { src: play, input: { prompt: { text: "hello {{env.SECRET}}" } }, onDone: bye }
    on: { customer.angry: bye }
  bye:
    invoke: { src: hangup }
`;
    expect(check(source)).toEqual([
      'speak: no one sends "customer.angry"; flows receive only call.dtmf',
      'speak: "{{env.SECRET}}" names nothing; use call.callerNumber, call.dialedNumber, call.id, vars.<name> or digits',
    ]);
  });

  it('checks prompt audio in every language the flow switches to', () => {
    const source = `
id: bilingual
initial: pick
context: { language: en }
states:
  pick:
    invoke: { src: setVariables, input: { values: { language: zh } }, onDone: greet }
  greet:
    invoke: { src: play, input: { prompt: welcome }, onDone: bye }
  bye:
    invoke: { src: hangup }
`;
    const problems = validateFlowSource(source, 'b.yaml', {
      promptExists: (name, language) => language === 'en',
    }).problems;
    expect(problems.map((p) => p.message)).toEqual([
      'prompt audio prompts/zh/welcome.wav is missing',
    ]);
  });

  it('needs id and states', () => {
    expect(check('{}', 'empty.json')).toEqual([
      '(root): the flow needs an "id" (a name such as "main-menu")',
      '(root): the flow needs "states" with at least one state',
    ]);
  });
});

describe('validateFlowFile on a file too large to read', () => {
  it('refuses it by its size, before reading it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'sb-big-flow-'));
    const file = join(directory, 'big.json');
    // Sparse: the size is there without writing a megabyte.
    writeFileSync(file, '');
    truncateSync(file, maxFlowSourceBytes + 1);
    try {
      const result = await validateFlowFile(file, prompts);
      expect(result.problems.map(formatProblem)).toEqual([
        `${file}: (file): cannot read: the file is 1,048,577 bytes; at most 1,048,576 are accepted`,
      ]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
