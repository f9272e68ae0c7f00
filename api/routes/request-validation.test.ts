import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import { parseRequestPart } from './request-validation.ts';

function refusal(run: () => unknown): { message: string; fields: unknown } {
  try {
    run();
  } catch (error) {
    if (error instanceof SwitchboardError) {
      return { message: error.message, fields: error.details?.['fields'] };
    }
    throw error;
  }
  throw new Error('not refused');
}

describe('parseRequestPart', () => {
  const anything = z.unknown();
  const nulMessage = 'must not contain NUL (\\u0000) characters, which cannot be stored';

  it.each([
    { part: 'body' as const, value: { name: 'a\u0000b' }, field: 'body.name' },
    { part: 'body' as const, value: { tags: ['ok', 'x\u0000'] }, field: 'body.tags.1' },
    {
      part: 'body' as const,
      value: { definition: { 'k\u0000': 1 } },
      field: 'body.definition.k\u0000',
    },
    { part: 'query' as const, value: { action: '\u0000' }, field: 'query.action' },
  ])('refuses NUL in $field, naming it', ({ part, value, field }) => {
    expect(refusal(() => parseRequestPart(anything, value, part))).toEqual({
      message: `${field}: ${nulMessage}`,
      fields: [{ field, message: nulMessage }],
    });
  });

  it('passes text without NUL to the schema', () => {
    const schema = z.object({ name: z.string().max(3) });
    expect(parseRequestPart(schema, { name: 'abc' }, 'body')).toEqual({ name: 'abc' });
    expect(refusal(() => parseRequestPart(schema, { name: 'abcd' }, 'body')).message).toMatch(
      /^body\.name: /,
    );
  });
});
