import { Command } from 'commander';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { registerFlowCommands } from './flow-commands.ts';

const repo = join(import.meta.dirname, '..');

async function cli(
  ...args: string[]
): Promise<{ code: number | undefined; out: string; err: string }> {
  let out = '';
  let err = '';
  const program = new Command('switchboard').exitOverride();
  registerFlowCommands(program, {
    stdout: (text) => (out += text),
    stderr: (text) => (err += text),
    cwd: repo,
    now: () => Date.parse('2025-03-03T10:00:00-05:00'),
  });
  program.commands.forEach((command) => command.exitOverride());
  process.exitCode = undefined;
  await program.parseAsync(['node', 'switchboard', ...args]);
  const code = process.exitCode;
  return { code: typeof code === 'number' ? code : undefined, out, err };
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('switchboard flows validate', () => {
  it('exits 0 when every sample flow is valid', async () => {
    const result = await cli(
      'flows',
      'validate',
      'flows/main-menu.json',
      'flows/support-line.json',
      'flows/language-choice.yaml',
      'flows/vip-fast-lane.yaml',
    );
    expect(result.code).toBe(0);
    expect(result.out).toBe(
      'flows/main-menu.json: valid\nflows/support-line.json: valid\nflows/language-choice.yaml: valid\nflows/vip-fast-lane.yaml: valid\n',
    );
  });

  it('exits 1 and prints one line per problem with file, position and state path', async () => {
    const result = await cli(
      'flows',
      'validate',
      '--prompts',
      'flows/prompts',
      'flows/main-menu.json',
      'ivr/test-fixtures/unknown-actor.json',
      'ivr/test-fixtures/missing-target.json',
    );
    expect(result.code).toBe(1);
    const lines = result.out.trimEnd().split('\n');
    expect(lines[0]).toBe('flows/main-menu.json: valid');
    expect(lines[1]).toMatch(
      /^ivr\/test-fixtures\/unknown-actor\.json:\d+:\d+: menu: unknown actor "gahter"/,
    );
    expect(lines[2]).toMatch(
      /^ivr\/test-fixtures\/missing-target\.json:\d+:\d+: menu: transition invoke\.onDone\[0\] goes to "salse"/,
    );
    expect(lines).toHaveLength(5);
    expect(result.err).toBe('2 of 3 flow files are invalid\n');
  });
});

describe('switchboard flows simulate', () => {
  it('prints a readable transcript for the main menu, key 2', async () => {
    const result = await cli(
      'flows',
      'simulate',
      'flows/main-menu.json',
      '--from',
      '+15551230000',
      '--keys',
      '2',
    );
    expect(result.code).toBe(0);
    expect(result.out).toContain(
      'Simulated call sim-call-1 from +15551230000 to +15550000000 at 2025-03-03T15:00:00.000Z',
    );
    expect(result.out).toContain('caller hears [en/main-menu]');
    expect(result.out).toContain('caller presses 2');
    expect(result.out).toContain('-> state support');
    expect(result.out).toMatch(
      /Outcome: queued to support with priority 3, answered by agent-1; flow completed in state done/,
    );
  });

  it('gives the same as JSON with --json', async () => {
    const result = await cli(
      'flows',
      'simulate',
      'flows/main-menu.json',
      '--from',
      '+15551230000',
      '--keys',
      '2,1',
      '--agents',
      '0',
      '--json',
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out) as {
      outcome: { disposition: unknown };
      timersLeft: number;
      flowId: string;
    };
    expect(report.flowId).toBe('main-menu');
    expect(report.outcome.disposition).toEqual({
      kind: 'queued',
      queueId: 'support',
      priority: 3,
      result: 'callback',
    });
    expect(report.timersLeft).toBe(0);
  });

  it('lets the caller hang up, pick a time, and carry tags', async () => {
    const hungUp = await cli(
      'flows',
      'simulate',
      'flows/main-menu.json',
      '--from',
      '+15551230000',
      '--hangup-after',
      '4',
    );
    expect(hungUp.out).toMatch(
      /caller hangs up[\s\S]*Outcome: went nowhere; caller hung up in state mainMenu after 4 s/,
    );
    const closed = await cli(
      'flows',
      'simulate',
      'flows/main-menu.json',
      '--from',
      '+1555',
      '--at',
      '2025-03-09T12:00:00-04:00',
    );
    expect(closed.out).toContain('-> state afterHours');
    const vip = await cli(
      'flows',
      'simulate',
      'flows/vip-fast-lane.yaml',
      '--from',
      '+1555',
      '--tag',
      'vip',
    );
    expect(vip.out).toContain('-> state vipQueue');
  });

  it('refuses an invalid flow with its problems and exit code 1', async () => {
    const result = await cli(
      'flows',
      'simulate',
      'ivr/test-fixtures/no-way-out.json',
      '--from',
      '+1555',
      '--prompts',
      'flows/prompts',
    );
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/limbo: no way out/);
    expect(result.out).toBe('');
  });

  it('rejects bad keys, naming the item', async () => {
    const result = await cli(
      'flows',
      'simulate',
      'flows/main-menu.json',
      '--from',
      '+1555',
      '--keys',
      '1,x',
    );
    expect(result.code).toBe(1);
    expect(result.err).toContain('--keys item 2 "x"');
  });

  it('works with only --keys, as the README shows, calling from a default number', async () => {
    const result = await cli(
      'flows',
      'simulate',
      'flows/main-menu.json',
      '--keys',
      '2',
      '--at',
      '2026-11-24T15:00:00Z',
    );
    expect(result.code).toBe(0);
    expect(result.out).toContain('from +15551230000');
    expect(result.out).toMatch(/Outcome: queued to support/);
  });
});
