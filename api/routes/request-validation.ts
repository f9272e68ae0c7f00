import type { z } from 'zod';
import { SwitchboardError } from '../../platform/switchboard-error.ts';

/** One invalid field: where it is (`body.email`, `query.limit`) and what is wrong. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/**
 * Parses one part of a request or throws `validation_failed` naming every bad
 * field, so clients can show the message beside the input.
 */
export function parseRequestPart<T extends z.ZodType>(
  schema: T | undefined,
  value: unknown,
  part: 'params' | 'query' | 'body',
): z.output<T> {
  if (schema === undefined) return undefined as z.output<T>;
  if (part === 'query') refuseRepeatedKeys(value);
  const nul = findNul(value);
  if (nul !== undefined) {
    const field = [part, ...nul].join('.');
    const message = 'must not contain NUL (\\u0000) characters, which cannot be stored';
    throw new SwitchboardError('validation_failed', `${field}: ${message}`, {
      fields: [{ field, message }],
    });
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields: FieldProblem[] = result.error.issues.map((issue) => ({
    field: [part, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const first = fields[0];
  throw new SwitchboardError(
    'validation_failed',
    first === undefined ? `Invalid ${part}` : `${first.field}: ${first.message}`,
    { fields },
  );
}

/**
 * `?limit=1&limit=2` arrives as a list: which one was meant is a guess, so
 * a repeated key is refused, naming it, before any schema reads it.
 */
function refuseRepeatedKeys(query: unknown): void {
  if (typeof query !== 'object' || query === null) return;
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === 'string') continue;
    const field = `query.${key}`;
    const message = 'must be given once, as one plain value';
    throw new SwitchboardError('validation_failed', `${field}: ${message}`, {
      fields: [{ field, message }],
    });
  }
}

/**
 * The path to the first string or key holding a NUL character. Postgres
 * stores neither in text nor in jsonb and fails the whole statement (after
 * earlier writes of the request, sometimes), so every part of every request
 * is refused here, naming the field. Walks with its own stack: bodies are
 * already bounded in depth (request-body-check.ts), query strings are flat.
 */
function findNul(value: unknown): (string | number)[] | undefined {
  const stack: { node: unknown; path: (string | number)[] }[] = [{ node: value, path: [] }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { node, path } = top;
    if (typeof node === 'string') {
      if (node.includes('\u0000')) return path;
    } else if (Array.isArray(node)) {
      node.forEach((child, index) => stack.push({ node: child, path: [...path, index] }));
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        if (key.includes('\u0000')) return [...path, key];
        stack.push({ node: child, path: [...path, key] });
      }
    }
  }
  return undefined;
}

/**
 * A refusal of one field found by a rule beyond the schema (a wrong current
 * password, a wrap-up code not in the queue's list), shaped like the
 * schema's own so clients show it beside the same input; `details` adds
 * facts for the client, such as the allowed values.
 *
 * @example
 * throw invalidField('body.code', 'is not one of this queue's codes', { allowed: ['sale'] });
 */
export function invalidField(
  field: string,
  message: string,
  details: Readonly<Record<string, unknown>> = {},
): SwitchboardError {
  return new SwitchboardError('validation_failed', `${field}: ${message}`, {
    ...details,
    fields: [{ field, message }],
  });
}
