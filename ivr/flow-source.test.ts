// Size and depth limits on flow files, checked before the JSON and YAML parsers.
import { describe, expect, it } from 'vitest';
import { formatProblem, type FlowProblem } from './flow-problem.ts';
import { isProblem, parseFlowSource } from './flow-source.ts';

function problemOf(text: string, file: string): FlowProblem {
  const parsed = parseFlowSource(text, file);
  if (!isProblem(parsed)) throw new Error(`${file} parsed`);
  return parsed;
}

describe('parseFlowSource limits', () => {
  it('reports a JSON flow nested past the limit where it goes too deep, as a problem', () => {
    const text = '{"id": "x", "states":\n  ' + '['.repeat(5000) + ']'.repeat(5000) + '}';
    expect(text.length).toBeLessThan(20_000);
    const problem = problemOf(text, 'flows/deep.json');
    expect(formatProblem(problem)).toBe(
      'flows/deep.json:2:66: (file): the flow is nested more than 64 levels deep; at most 64 are accepted',
    );
  });

  it('reports YAML flow collections nested past the limit', () => {
    const problem = problemOf('id: x\nstates: ' + '{a: '.repeat(100), 'flows/deep.yaml');
    // The 65th '{' follows 'states: ' (8 columns) and 64 '{a: ' (4 each).
    expect(problem).toMatchObject({ statePath: '(file)', line: 2, column: 8 + 64 * 4 + 1 });
    expect(problem.message).toContain('nested more than 64 levels deep');
  });

  it('reports YAML that the parser would nest without bound', () => {
    const problem = problemOf('id: x\nstates: a: b: c:\n', 'flows/keys.yaml');
    expect(problem).toMatchObject({ statePath: '(file)', line: 2, column: 10 });
    expect(problem.message).toContain('a second ": " after a key on one line');
  });

  it('reports depth that only aliases add, after parsing', () => {
    const open = '['.repeat(40);
    const close = ']'.repeat(40);
    const text = `id: x\nshared: &deep ${open}1${close}\nstates: ${open}*deep${close}\n`;
    expect(problemOf(text, 'flows/alias.yaml').message).toBe(
      'the flow is nested more than 64 levels deep; at most 64 are accepted',
    );
  });

  it('reports an alias to no anchor as unparsable instead of throwing', () => {
    expect(problemOf('id: x\nstates: *nowhere\n', 'flows/alias.yaml').message).toContain(
      'cannot parse: Unresolved alias',
    );
  });

  it('refuses a file over the size limit before parsing it', () => {
    const text = `{"id": "x", "pad": "${'x'.repeat(1024 * 1024)}"}`;
    expect(problemOf(text, 'flows/big.json').message).toBe(
      'the flow is 1,048,598 bytes; at most 1,048,576 are accepted',
    );
    expect(problemOf(`id: x\npad: ${'x'.repeat(1024 * 1024)}\n`, 'flows/big.yaml').message).toMatch(
      /^the flow is 1,048,5\d\d bytes; at most 1,048,576 are accepted$/,
    );
  });

  it('still parses flows within the limits', () => {
    const nested = '['.repeat(60) + ']'.repeat(60);
    expect(isProblem(parseFlowSource(`{"id": "x", "states": ${nested}}`, 'ok.json'))).toBe(false);
    expect(isProblem(parseFlowSource(`id: x\nstates: ${nested}\n`, 'ok.yaml'))).toBe(false);
  });
});
