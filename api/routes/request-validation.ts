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
