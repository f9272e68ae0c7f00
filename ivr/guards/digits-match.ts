import { z } from 'zod';
import { matchesWhole, regexPattern } from '../actors/step-params.ts';
import type { IvrGuard } from './ivr-guard.ts';

const digitsMatchParams = z.strictObject({ pattern: regexPattern });

/** True when the digits match `pattern` as a whole, e.g. `"[0-9]{6}"` for an account number. */
export const digitsMatch: IvrGuard<typeof digitsMatchParams> = {
  name: 'digitsMatch',
  params: digitsMatchParams,
  check: (params, { result, context }) =>
    matchesWhole(params.pattern, result?.digits ?? context.digits),
};
