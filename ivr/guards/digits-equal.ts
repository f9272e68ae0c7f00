import { z } from 'zod';
import type { IvrGuard } from './ivr-guard.ts';

const digitsEqualParams = z.strictObject({
  digits: z.string().regex(/^[0-9*#]+$/, 'must be keypad digits'),
});

/** True when the digits just collected (or the latest ones) are exactly `digits`. */
export const digitsEqual: IvrGuard<typeof digitsEqualParams> = {
  name: 'digitsEqual',
  params: digitsEqualParams,
  check: (params, { result, context }) => (result?.digits ?? context.digits) === params.digits,
};
