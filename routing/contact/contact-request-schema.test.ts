import { describe, expect, it } from 'vitest';
import { requirementSignature } from './contact-request-schema.ts';

describe('requirementSignature', () => {
  it.each([
    [[], ''],
    [
      [
        { skill: 'spanish', minLevel: 2 },
        { skill: 'billing', minLevel: 5 },
      ],
      'billing:5,spanish:2',
    ],
    [
      [
        { skill: 'en', minLevel: 2 },
        { skill: 'en', minLevel: 7 },
      ],
      'en:7',
    ],
  ])('%j -> %s', (requirements, signature) => {
    expect(requirementSignature(requirements)).toBe(signature);
  });
});
