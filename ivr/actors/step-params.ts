import { z } from 'zod';

/** Shared parameter pieces, so every step spells seconds, keys and names the same way. */
export const seconds = (fallback: number, max = 3600) =>
  z
    .number()
    .positive('must be more than 0 seconds')
    .max(max, `must be at most ${max} seconds`)
    .default(fallback);

export const key = z.string().regex(/^[0-9*#]$/, 'must be one key: 0-9, * or #');

export const variableName = z
  .string()
  .regex(
    /^[A-Za-z_]\w*$/,
    'must be a variable name (letters, digits, _; not starting with a digit)',
  );

export const regexPattern = z.string().refine(
  (pattern) => {
    try {
      new RegExp(pattern);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be a valid regular expression' },
);

/** True when `value` matches `pattern` as a whole, not just somewhere inside. */
export function matchesWhole(pattern: string, value: string): boolean {
  return new RegExp(`^(?:${pattern})$`).test(value);
}
