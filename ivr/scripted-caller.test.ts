import { describe, expect, it } from 'vitest';
import { parseKeysOption } from './scripted-caller.ts';

describe('parseKeysOption', () => {
  it.each([
    ['1,2', ['1', '2']],
    ['2', ['2']],
    ['1,,2', ['1', '', '2']],
    [' 1 , - , 4412# ', ['1', '', '4412#']],
    ['', []],
  ])('parses %j', (input, expected) => {
    expect(parseKeysOption(input)).toEqual(expected);
  });

  it('names the bad item', () => {
    expect(() => parseKeysOption('1,a')).toThrow(/item 2 "a"/);
  });
});
