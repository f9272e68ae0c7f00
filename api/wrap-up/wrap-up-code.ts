import { z } from 'zod';

/**
 * A wrap-up (disposition) code as calls store it: lower-case letters, digits
 * and dashes, as break reasons are. The same rule as the database's check
 * on disposition_codes.code.
 */
export const wrapUpCode = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a lowercase code like resolved');
