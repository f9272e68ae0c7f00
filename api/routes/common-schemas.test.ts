import { describe, expect, it } from 'vitest';
import { bigintId, isoDateTime, limit, wholeNumber } from './common-schemas.ts';

describe('wholeNumber', () => {
  const version = wholeNumber(1, 2_147_483_647);
  it.each(['1', '42', '2147483647', '007'])('accepts %j', (text) => {
    expect(version.parse(text)).toBe(Number(text));
  });
  it.each(['0', '2147483648', '-1', '1.5', '1e3', '0x10', ' 1', '１', 'NaN', '', '9'.repeat(17)])(
    'refuses %j',
    (text) => {
      expect(version.safeParse(text).success).toBe(false);
    },
  );
  it('says the range in its message', () => {
    expect(version.safeParse('0').error?.issues[0]?.message).toBe(
      'must be a whole number from 1 to 2147483647',
    );
  });
  it('defaults a missing limit to 50', () => {
    expect(limit.parse(undefined)).toBe(50);
  });
});

describe('bigintId', () => {
  it.each(['0', '2147483648', '9223372036854775807'])('accepts %j', (text) => {
    expect(bigintId.parse(text)).toBe(text);
  });
  it.each(['9223372036854775808', '99999999999999999999', '-1', 'x', ''])('refuses %j', (text) => {
    expect(bigintId.safeParse(text).success).toBe(false);
  });
});

describe('isoDateTime', () => {
  it.each(['2026-12-07T10:00:00Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59+00:00'])(
    'accepts %j',
    (text) => {
      expect(isoDateTime.parse(text)).toBe(text);
    },
  );
  it.each([
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00+01:00',
    '2024-02-31T00:00:00Z',
    '+275760-09-13T00:00:00Z',
    '2024-01-01',
    'yesterday',
  ])('refuses %j', (text) => {
    expect(isoDateTime.safeParse(text).success).toBe(false);
  });
});
