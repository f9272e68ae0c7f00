import { describe, expect, it } from 'vitest';
import { sayPromptNames, speakValue } from './speak-value.ts';

const strip = (names: string[]) => names.map((name) => name.replace('numbers/', '')).join(' ');

describe('speakValue', () => {
  it.each([
    ['0', '0'],
    ['7', '7'],
    ['13', '13'],
    ['42', '40 2'],
    ['100', '1 hundred'],
    ['305', '3 hundred 5'],
    ['2025', '2 thousand 20 5'],
    ['1000001', '1 million 1'],
    ['-3.25', 'minus 3 point 2 5'],
  ])('says the number %s in English', (value, expected) => {
    expect(strip(speakValue('number', value, 'en'))).toBe(expected);
  });

  it.each([
    ['10', '10'],
    ['12', '10 2'],
    ['20', '2 10'],
    ['105', '1 100 0 5'],
    ['1010', '1 1000 0 1 10'],
    ['30000', '3 10000'],
    ['10086', '1 10000 0 8 10 6'],
    ['2500', '2 1000 5 100'],
  ])('says the number %s in Chinese', (value, expected) => {
    expect(strip(speakValue('number', value, 'zh'))).toBe(expected);
  });

  it('says keypad digits one by one', () => {
    expect(speakValue('digits', '40#', 'en')).toEqual(['numbers/4', 'numbers/0', 'keys/pound']);
  });

  it('says dates in each language', () => {
    expect(strip(speakValue('date', '2025-03-14', 'en'))).toBe(
      'months/3 ordinals/14 2 thousand 20 5',
    );
    expect(strip(speakValue('date', '2025-03-14', 'zh'))).toBe(
      '2 0 2 5 date/year 3 date/month 10 4 date/day',
    );
  });

  it('says money with singular and plural units', () => {
    expect(strip(speakValue('money', '1.01', 'en', 'USD'))).toBe(
      '1 currency/dollar and 1 currency/cent',
    );
    expect(strip(speakValue('money', '12.50', 'en', 'USD'))).toBe(
      '12 currency/dollars and 50 currency/cents',
    );
    expect(strip(speakValue('money', '12.05', 'zh', 'CNY'))).toBe(
      '10 2 currency/yuan 0 5 currency/fen',
    );
    expect(strip(speakValue('money', '3.5', 'zh', 'CNY'))).toBe('3 currency/yuan 5 currency/jiao');
  });

  it('rejects values it cannot say, naming them', () => {
    expect(() => speakValue('number', 'abc', 'en')).toThrow(/"abc" is not a number/);
    expect(() => speakValue('date', '2025-13-40', 'en')).toThrow(/not a date/);
    expect(() => speakValue('digits', '12a', 'en')).toThrow(/keypad/);
  });

  it('only ever uses prompts listed for the language', () => {
    for (const language of ['en', 'zh'] as const) {
      const known = new Set(sayPromptNames(language));
      const used = [
        ...speakValue('number', '-987654.32', language),
        ...speakValue('digits', '0123456789*#', language),
        ...speakValue('date', '2031-12-31', language),
        ...speakValue('money', '1234.56', language, 'USD'),
        ...speakValue('money', '1.01', language, 'CNY'),
        ...speakValue('money', '1.01', language, 'USD'),
      ];
      expect(used.filter((name) => !known.has(name))).toEqual([]);
    }
  });
});
