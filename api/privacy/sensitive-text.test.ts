import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { maskEmail, maskPhone } from './contact-masking.ts';
import { redactingLogDestination } from './redacting-log-destination.ts';
import {
  cardMarker,
  idMarker,
  luhnValid,
  redactSensitiveJsonLine,
  redactSensitiveText,
} from './sensitive-text.ts';

describe('redactSensitiveText', () => {
  it.each([
    ['pay with 4111111111111111 please', `pay with ${cardMarker} please`],
    ['4111 1111 1111 1111', cardMarker],
    ['5500-0000-0000-0004 exp 12/29', `${cardMarker} exp 12/29`],
    ['amex 378282246310005', `amex ${cardMarker}`],
    ['order 4111111111111112 (not Luhn)', 'order 4111111111111112 (not Luhn)'],
    ['call +15551230123', 'call +15551230123'],
    ['ssn 123-45-6789.', `ssn ${idMarker}.`],
    ['NI AB 12 34 56 C', `NI ${idMarker}`],
    ['NI AB123456C', `NI ${idMarker}`],
    ['ref 000-12-3456 stays', 'ref 000-12-3456 stays'],
  ])('%s', (input, expected) => {
    expect(redactSensitiveText(input)).toBe(expected);
  });

  it('checks Luhn on the digits alone', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111121')).toBe(false);
    expect(luhnValid('123')).toBe(false);
  });
});

describe('redactingLogDestination', () => {
  it('keeps card numbers out of every logged field and message', () => {
    const lines: string[] = [];
    const logger = pino({}, redactingLogDestination({ write: (line: string) => lines.push(line) }));
    logger.info({ body: 'my card is 4111 1111 1111 1111' }, 'ssn 123-45-6789 received');
    expect(lines.join('')).not.toContain('4111');
    expect(lines.join('')).not.toContain('123-45-6789');
    expect(lines.join('')).toContain(cardMarker);
  });

  it("keeps every line valid JSON and pino's own time as it was, even when it passes Luhn", () => {
    const lines: string[] = [];
    // 1796411414461 passes the Luhn check: a card candidate of 13 digits.
    expect(luhnValid('1796411414461')).toBe(true);
    const logger = pino(
      { timestamp: () => ',"time":1796411414461' },
      redactingLogDestination({ write: (line: string) => lines.push(line) }),
    );
    logger.info({ digits: 4111111111111111, list: [4111111111111111], text: 'x' }, 'paid');
    const entry = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(entry).toMatchObject({
      time: 1796411414461,
      digits: cardMarker,
      list: [cardMarker],
      text: 'x',
      msg: 'paid',
    });
  });
});

describe('redactSensitiveJsonLine', () => {
  it('leaves the fraction of a logged float alone and the line valid JSON', () => {
    const lines: string[] = [];
    const logger = pino({}, redactingLogDestination({ write: (line: string) => lines.push(line) }));
    // A timing whose 15 fraction digits pass the Luhn check.
    expect(luhnValid('000252559141053')).toBe(true);
    logger.info({ setupMs: 12.000252559141053, card: 4111111111111111.5 }, 'timed');
    const entry = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(entry).toMatchObject({ setupMs: 12.000252559141053, card: cardMarker, msg: 'timed' });
  });

  it('still redacts a card written in text after a word and a dot', () => {
    expect(redactSensitiveJsonLine('{"msg":"card no.4111111111111111"}')).toBe(
      `{"msg":"card no.${cardMarker}"}`,
    );
  });
});

describe('masking', () => {
  it.each([
    ['+15551230123', '+1••••••0123'],
    ['5551230123', '••••••0123'],
    ['12', '••'],
  ])('phone %s', (input, expected) => {
    expect(maskPhone(input)).toBe(expected);
  });
  it('email', () => {
    expect(maskEmail('jane.doe@example.com')).toBe('j•••@example.com');
  });
});
