// The YAML nesting bound, by example and against the `yaml` package itself:
// seeded random documents are measured here and by the real Lexer and parser.
import { readFileSync } from 'node:fs';
import { isCollection, isPair, Lexer, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { findYamlNestingBreach, type YamlNestingLimits } from './yaml-nesting.ts';

const limits: YamlNestingLimits = { maxFlowDepth: 64, maxIndent: 256 };
const scan = (text: string, overrides: Partial<YamlNestingLimits> = {}) =>
  findYamlNestingBreach(text, { ...limits, ...overrides });
const lines = (count: number, line: (i: number) => string) =>
  Array.from({ length: count }, (_, i) => line(i)).join('\n');

describe('findYamlNestingBreach', () => {
  it.each(['flows/language-choice.yaml', 'flows/vip-fast-lane.yaml', 'flows/main-menu.json'])(
    'passes the sample flow %s',
    (file) => {
      expect(scan(readFileSync(file, 'utf8'))).toBeUndefined();
    },
  );

  it.each([
    { name: 'brackets in double quotes', text: 'a: "[[[[{{{{"\nb: [1]' },
    { name: 'brackets in single quotes, with an escaped quote', text: "a: 'it''s [[[['\nb: [1]" },
    { name: 'brackets in a comment', text: 'a: 1 # [[[[\nb: [1]' },
    { name: 'brackets in a block scalar', text: 'a: |\n  [[[[ {{{{\n  a: b: c:\nb: [1]' },
    {
      name: 'brackets in a plain scalar',
      text: 'a: x[[[[ y\nb: [1]',
    },
    { name: 'a colon without a space', text: 'url: http://example.com:8080/a\ntime: 12:30' },
    { name: 'a valid compact nesting', text: '- - ? a\n    : b\n- key: [1, {x: y}]' },
  ])('does not count $name', ({ text }) => {
    expect(scan(text, { maxFlowDepth: 2 })).toBeUndefined();
  });

  it('accepts flow collections nested exactly to the limit and refuses one more', () => {
    expect(scan('a: ' + '['.repeat(64) + ']'.repeat(64))).toBeUndefined();
    expect(scan('a: ' + '['.repeat(65) + ']'.repeat(65))).toEqual({
      kind: 'flow',
      limit: 64,
      line: 1,
      column: 68,
    });
    // Closing brackets inside quotes do not close anything.
    expect(scan('[ "]" '.repeat(65), { maxFlowDepth: 64 })).toMatchObject({ kind: 'flow' });
  });

  it('accepts content starting at the indentation limit and refuses one column more', () => {
    expect(scan(' '.repeat(256) + 'a: 1', { maxIndent: 256 })).toBeUndefined();
    expect(scan(' '.repeat(257) + 'a: 1', { maxIndent: 256 })).toEqual({
      kind: 'indent',
      limit: 256,
      line: 1,
      column: 258,
    });
    // Compact sequences move content right by two columns a level.
    expect(scan('- '.repeat(128) + 'a', { maxIndent: 256 })).toBeUndefined();
    expect(scan('- '.repeat(129) + 'a', { maxIndent: 256 })).toMatchObject({ kind: 'indent' });
    // Indentation alone (blank lines, comments) nests nothing.
    expect(scan(`a: 1\n${' '.repeat(300)}\n${' '.repeat(300)}# note`)).toBeUndefined();
  });

  it.each([
    { name: 'a second key on one line', text: 'a: b: c', reason: 'a second ": " after a key' },
    {
      name: 'keys chained on lines at one indentation',
      text: lines(20, () => 'a: b: c: d: e:'),
      reason: 'a second ": " after a key',
    },
    { name: 'a sequence after a key', text: 'a: - b', reason: 'a second "- " after a key' },
    {
      name: 'a "- " in a flow collection',
      text: '[ - - - a ]',
      reason: 'inside a flow collection',
    },
    {
      name: 'a bracket after a block scalar header',
      text: '- |  [\n'.repeat(3),
      reason: 'block scalar header',
    },
  ])('refuses $name, which the parser would nest', ({ text, reason }) => {
    const breach = scan(text);
    expect(breach).toMatchObject({ kind: 'invalid', line: 1 });
    expect(breach?.kind === 'invalid' && breach.reason).toContain(reason);
  });

  it('answers a megabyte of hostile text quickly', () => {
    const hostile = [
      '['.repeat(1_000_000),
      'a: '.repeat(300_000),
      '- '.repeat(500_000),
      'a: b\n'.repeat(200_000),
      '"\\"'.repeat(300_000),
      "- 'a\n".repeat(150_000),
      '[' + 'a,'.repeat(500_000) + ']',
    ];
    for (const text of hostile) {
      const started = performance.now();
      const breach = scan(text);
      expect(breach?.kind === 'invalid' && breach.reason).not.toContain('measured');
      expect(performance.now() - started, text.slice(0, 20)).toBeLessThan(1500);
    }
  });
});

describe('findYamlNestingBreach against the yaml package', () => {
  /** Deterministic generator (mulberry32), so a failure is reproducible from its seed. */
  const random = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  /** How deeply the Lexer itself opens flow collections. */
  function lexerFlowDepth(text: string): number {
    let depth = 0;
    let max = 0;
    let scalarNext = false;
    for (const token of new Lexer().lex(text)) {
      if (scalarNext) scalarNext = false;
      else if (token === '\x1f')
        scalarNext = true; // the next token is a scalar's text
      else if (token === '[' || token === '{') max = Math.max(max, ++depth);
      else if (token === ']' || token === '}') depth = Math.max(0, depth - 1);
      else if (token === '\x18') depth = 0; // flow ended by an unindented line
    }
    return max;
  }

  /** Nesting of the parsed document's collections, walked without recursion. */
  function parsedDepth(text: string): number {
    let max = 0;
    const stack: [unknown, number][] = [[parseDocument(text).contents, 0]];
    for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
      const [node, depth] = top;
      if (!isCollection(node)) continue;
      max = Math.max(max, depth + 1);
      for (const item of node.items) {
        if (isPair(item)) stack.push([item.key, depth + 1], [item.value, depth + 1]);
        else stack.push([item, depth + 1]);
      }
    }
    return max;
  }

  /** The smallest limits the text passes, or undefined when it is refused outright. */
  function tightestLimits(text: string): { flow: number; indent: number } | undefined {
    if (scan(text, { maxFlowDepth: 1000, maxIndent: 1000 }) !== undefined) return undefined;
    let flow = 0;
    while (scan(text, { maxFlowDepth: flow, maxIndent: 1000 }) !== undefined) flow++;
    let indent = 0;
    while (scan(text, { maxFlowDepth: 1000, maxIndent: indent }) !== undefined) indent++;
    return { flow, indent };
  }

  function check(text: string, failures: string[]): void {
    const breach = scan(text, { maxFlowDepth: 1000, maxIndent: 1000 });
    if (breach?.kind === 'invalid' && breach.reason.includes('measured')) {
      failures.push(`not measured: ${JSON.stringify(text)}`);
    }
    const tightest = tightestLimits(text);
    if (tightest === undefined) return;
    const lexer = lexerFlowDepth(text);
    if (tightest.flow !== lexer) {
      failures.push(`flow ${tightest.flow} != Lexer's ${lexer}: ${JSON.stringify(text)}`);
    }
    // The documented bound: a block level costs at least half a column.
    const depth = parsedDepth(text);
    if (depth > 2 * (tightest.indent + 2) + tightest.flow + 2) {
      failures.push(
        `parsed ${depth} deep past ${JSON.stringify(tightest)}: ${JSON.stringify(text)}`,
      );
    }
  }

  it('matches the Lexer on random fragments of YAML syntax', () => {
    const next = random(42);
    const fragments = [
      ' ',
      '  ',
      '\n',
      '\n',
      '\n  ',
      '\r\n',
      '\t',
      '- ',
      '? ',
      ': ',
      ':',
      '-',
      '[',
      ']',
      '{',
      '}',
      ',',
      '"',
      "'",
      '\\',
      '#',
      ' #',
      '|',
      '>',
      '|2',
      '>-',
      '&a ',
      '*a',
      '!t ',
      '!',
      'a',
      'b: ',
      '---',
      '...',
      '%YAML 1.2\n',
      '\r',
      'x y',
    ];
    const failures: string[] = [];
    for (let n = 0; n < 3000; n++) {
      let text = '';
      for (let i = Math.floor(next() * 60); i >= 0; i--) {
        text += fragments[Math.floor(next() * fragments.length)];
      }
      check(text, failures);
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });

  it('bounds the parsed depth of random deeply indented documents', () => {
    const next = random(5);
    const pick = (items: string[]) => items[Math.floor(next() * items.length)]!;
    const leads = ['- ', '? ', ': ', '-\t', '- ', '- '];
    const keys = ['a: ', '"k": ', "'k': ", '[a]: ', '{a: 1}: ', '&x a: ', '!t a: ', '*x : ', ''];
    const values = ['x', '', '', '[a, [b, {c: d}]]', '&a ', '!t ', '# c', '"q"', '|', '[', '{'];
    const failures: string[] = [];
    for (let n = 0; n < 600; n++) {
      let indent = 0;
      const text = lines(1 + Math.floor(next() * 60), () => {
        const move = next();
        indent = Math.max(
          0,
          move < 0.5 ? indent + Math.floor(next() * 4) : indent - Math.floor(next() * 5),
        );
        let line = ' '.repeat(indent);
        for (let i = Math.floor(next() * next() * 6); i > 0; i--) line += pick(leads);
        return line + pick(keys) + pick(values);
      });
      check(text, failures);
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });
});
