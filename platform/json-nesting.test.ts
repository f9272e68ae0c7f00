import { describe, expect, it } from 'vitest';
import { findJsonNestingBreach } from './json-nesting.ts';

const nested = (depth: number, open = '[', close = ']') =>
  open.repeat(depth) + '1' + close.repeat(depth);

describe('findJsonNestingBreach', () => {
  it.each([
    { name: 'a scalar', text: '1', limit: 0, breach: undefined },
    { name: 'an empty object at limit 1', text: '{}', limit: 1, breach: undefined },
    { name: 'an empty object at limit 0', text: '{}', limit: 0, breach: { line: 1, column: 1 } },
    { name: 'exactly the limit', text: nested(64), limit: 64, breach: undefined },
    { name: 'one past the limit', text: nested(65), limit: 64, breach: { line: 1, column: 65 } },
    {
      name: 'objects one past the limit',
      text: '{"a":'.repeat(3) + '1' + '}'.repeat(3),
      limit: 2,
      breach: { line: 1, column: 11 },
    },
    { name: 'siblings do not add up', text: '[[1],[2],[3],[[4]]]', limit: 3, breach: undefined },
    { name: 'brackets inside a string', text: '["[[[[{{{{"]', limit: 1, breach: undefined },
    {
      name: 'an escaped quote keeps the string open',
      text: '["\\"[[["]',
      limit: 1,
      breach: undefined,
    },
    {
      name: 'an escaped backslash closes the string',
      text: '["\\\\",[[1]]]',
      limit: 2,
      breach: { line: 1, column: 8 },
    },
    { name: 'a \\u escape', text: '["\\u005b",[1]]', limit: 2, breach: undefined },
    {
      name: 'closers before openers do not go below zero',
      text: ']]]][[1',
      limit: 1,
      breach: { line: 1, column: 6 },
    },
    {
      name: 'the line and column of the breach',
      text: '{\n  "a": [\n    [1]\n  ]\n}',
      limit: 2,
      breach: { line: 3, column: 5 },
    },
  ])('$name', ({ text, limit, breach }) => {
    const expected = breach === undefined ? undefined : { limit, ...breach };
    expect(findJsonNestingBreach(text, limit)).toEqual(expected);
    // UTF-8 bytes measure the same as the text (all positions here are ASCII).
    expect(findJsonNestingBreach(Buffer.from(text), limit)).toEqual(expected);
  });

  it('skips multi-byte characters in bytes without mistaking them for brackets', () => {
    // U+5B5B is 0xE5 0xAD 0x9B in UTF-8: no byte is 0x5B ('['). The second
    // '[' is byte 11: 2 + 2 * 3 + '",'.
    const text = '["\u5b5b\u5b5b",[1]]';
    expect(findJsonNestingBreach(Buffer.from(text, 'utf8'), 2)).toBeUndefined();
    expect(findJsonNestingBreach(Buffer.from(text, 'utf8'), 1)).toEqual({
      limit: 1,
      line: 1,
      column: 11,
    });
  });

  it('answers a 100,000-deep text quickly and without recursion', () => {
    const deep = nested(100_000);
    const started = performance.now();
    expect(findJsonNestingBreach(deep, 64)).toEqual({ limit: 64, line: 1, column: 65 });
    // Scanning all of it (limit above its depth) would overflow the stack if it recursed.
    expect(findJsonNestingBreach(deep, 100_000)).toBeUndefined();
    expect(findJsonNestingBreach(Buffer.from(deep), 99_999)).toEqual({
      limit: 99_999,
      line: 1,
      column: 100_000,
    });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
