import { SwitchboardError } from '../platform/switchboard-error.ts';
import type { Language } from './prompt-param.ts';

/** What `say` can speak. */
export const sayKinds = ['number', 'digits', 'date', 'money'] as const;
export type SayKind = (typeof sayKinds)[number];
export type Currency = 'USD' | 'CNY';

/**
 * Prompt names (under `flows/prompts/<language>/`) that speak `value` when
 * played in a row: numbers, digit strings, ISO dates and money amounts, in
 * English or Chinese. Concatenating short recordings keeps every amount and
 * date sayable without text-to-speech on the call path.
 *
 * @example
 * speakValue('money', '12.50', 'en', 'USD');
 * // ['numbers/12', 'currency/dollars', 'and', 'numbers/50', 'currency/cents']
 */
export function speakValue(
  kind: SayKind,
  value: string,
  language: Language,
  currency: Currency = 'USD',
): string[] {
  switch (kind) {
    case 'number':
      return speakNumber(parseNumber(value), language);
    case 'digits':
      return speakDigits(value);
    case 'date':
      return speakDate(value, language);
    case 'money':
      return speakMoney(value, language, currency);
  }
}

function invalid(message: string): SwitchboardError {
  return new SwitchboardError('validation_failed', message);
}

function parseNumber(value: string): number {
  const trimmed = value.trim();
  if (!/^-?\d+(\.\d+)?$/.test(trimmed)) throw invalid(`"${value}" is not a number`);
  return Number(trimmed);
}

function speakDigits(value: string): string[] {
  if (!/^[0-9*#]+$/.test(value)) throw invalid(`"${value}" is not a string of keypad digits`);
  return [...value].map((key) =>
    key === '*' ? 'keys/star' : key === '#' ? 'keys/pound' : `numbers/${key}`,
  );
}

function speakNumber(value: number, language: Language): string[] {
  if (Math.abs(value) >= (language === 'zh' ? 1e8 : 1e9)) {
    throw invalid(`${value} is too large to say`);
  }
  const sign = value < 0 ? ['minus'] : [];
  const [whole = '0', fraction] = Math.abs(value).toString().split('.');
  const wholeWords =
    language === 'zh' ? chineseInteger(Number(whole)) : englishInteger(Number(whole));
  const fractionWords =
    fraction === undefined ? [] : ['point', ...[...fraction].map((d) => `numbers/${d}`)];
  return [...sign, ...wholeWords, ...fractionWords];
}

function englishInteger(value: number): string[] {
  if (value === 0) return ['numbers/0'];
  const words: string[] = [];
  const groups: [number, string | undefined][] = [
    [1_000_000, 'numbers/million'],
    [1000, 'numbers/thousand'],
    [1, undefined],
  ];
  let rest = value;
  for (const [size, name] of groups) {
    const group = Math.floor(rest / size);
    rest %= size;
    if (group === 0) continue;
    words.push(...englishBelowThousand(group));
    if (name !== undefined) words.push(name);
  }
  return words;
}

function englishBelowThousand(value: number): string[] {
  const words: string[] = [];
  const hundreds = Math.floor(value / 100);
  const rest = value % 100;
  if (hundreds > 0) words.push(`numbers/${hundreds}`, 'numbers/hundred');
  if (rest === 0) return words;
  if (rest < 20) return [...words, `numbers/${rest}`];
  const ones = rest % 10;
  words.push(`numbers/${rest - ones}`);
  if (ones > 0) words.push(`numbers/${ones}`);
  return words;
}

/** Chinese reading: 十, 百, 千 within a section of four digits, 万 between sections, 零 for gaps. */
function chineseInteger(value: number): string[] {
  if (value === 0) return ['numbers/0'];
  const high = Math.floor(value / 10_000);
  const low = value % 10_000;
  const words: string[] = [];
  if (high > 0) {
    words.push(...chineseSection(high, true), 'numbers/10000');
    if (low > 0 && low < 1000) words.push('numbers/0');
  }
  if (low > 0) words.push(...chineseSection(low, high === 0));
  return words;
}

function chineseSection(value: number, leading: boolean): string[] {
  const units = ['numbers/1000', 'numbers/100', 'numbers/10', undefined];
  const digits = String(value).padStart(4, '0');
  const words: string[] = [];
  let pendingZero = false;
  [...digits].forEach((char, index) => {
    const digit = Number(char);
    if (digit === 0) {
      pendingZero = words.length > 0;
      return;
    }
    if (pendingZero) words.push('numbers/0');
    pendingZero = false;
    const unit = units[index];
    // "十二", not "一十二", when ten leads the number.
    const skipOne = leading && words.length === 0 && digit === 1 && unit === 'numbers/10';
    if (!skipOne) words.push(`numbers/${digit}`);
    if (unit !== undefined) words.push(unit);
  });
  return words;
}

function speakDate(value: string, language: Language): string[] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const date = match === null ? undefined : new Date(`${value.trim()}T00:00:00Z`);
  if (match === null || date === undefined || Number.isNaN(date.getTime())) {
    throw invalid(`"${value}" is not a date like 2025-03-14`);
  }
  const [, year = '', month = '', day = ''] = match;
  if (language === 'zh') {
    return [
      ...[...year].map((d) => `numbers/${d}`),
      'date/year',
      ...chineseInteger(Number(month)),
      'date/month',
      ...chineseInteger(Number(day)),
      'date/day',
    ];
  }
  return [`months/${Number(month)}`, `ordinals/${Number(day)}`, ...englishInteger(Number(year))];
}

function speakMoney(value: string, language: Language, currency: Currency): string[] {
  const amount = parseNumber(value);
  if (amount < 0) throw invalid(`"${value}" is a negative amount`);
  const cents = Math.round(amount * 100);
  const major = Math.floor(cents / 100);
  const minor = cents % 100;
  if (language === 'zh') {
    if (currency === 'USD') {
      return [
        ...chineseInteger(major),
        'currency/dollar',
        ...(minor > 0 ? [...chineseInteger(minor), 'currency/cent'] : []),
      ];
    }
    const jiao = Math.floor(minor / 10);
    const fen = minor % 10;
    const words = [...chineseInteger(major), 'currency/yuan'];
    if (jiao > 0) words.push(`numbers/${jiao}`, 'currency/jiao');
    if (fen > 0) words.push(...(jiao === 0 ? ['numbers/0'] : []), `numbers/${fen}`, 'currency/fen');
    return words;
  }
  const majorName =
    currency === 'CNY' ? 'currency/yuan' : major === 1 ? 'currency/dollar' : 'currency/dollars';
  const words = [...englishInteger(major), majorName];
  if (minor > 0) {
    words.push('and', ...englishInteger(minor), minor === 1 ? 'currency/cent' : 'currency/cents');
  }
  return words;
}

/** Every prompt name `say` may need in a language; the validator checks they all exist. */
export function sayPromptNames(language: Language): string[] {
  const digits = Array.from({ length: 10 }, (_, d) => `numbers/${d}`);
  const common = [
    ...digits,
    'keys/star',
    'keys/pound',
    'point',
    'minus',
    'currency/dollar',
    'currency/cent',
    'currency/yuan',
  ];
  if (language === 'zh') {
    return [
      ...common,
      'numbers/10',
      'numbers/100',
      'numbers/1000',
      'numbers/10000',
      'currency/jiao',
      'currency/fen',
      'date/year',
      'date/month',
      'date/day',
    ];
  }
  return [
    ...common,
    ...Array.from({ length: 10 }, (_, i) => `numbers/${i + 10}`),
    ...[20, 30, 40, 50, 60, 70, 80, 90].map((tens) => `numbers/${tens}`),
    'numbers/hundred',
    'numbers/thousand',
    'numbers/million',
    'currency/dollars',
    'currency/cents',
    'and',
    ...Array.from({ length: 12 }, (_, i) => `months/${i + 1}`),
    ...Array.from({ length: 31 }, (_, i) => `ordinals/${i + 1}`),
  ];
}
