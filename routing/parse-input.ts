import type { z } from 'zod';
import { SwitchboardError } from '../platform/switchboard-error.ts';

/**
 * Validates input at the routing boundary. The error names the offending
 * field (`contact.requiredSkills.0.minLevel: ...`) so an admin or a flow
 * author can fix it without reading code.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = [what, ...issue.path.map(String)].join('.');
    return `${path}: ${issue.message}`;
  });
  throw new SwitchboardError('validation_failed', problems.join('; '), { issues: problems });
}
