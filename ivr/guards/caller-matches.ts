import { z } from 'zod';
import { matchesWhole, regexPattern } from '../actors/step-params.ts';
import type { IvrGuard } from './ivr-guard.ts';

const callerMatchesParams = z.strictObject({ pattern: regexPattern });

/** True when the caller's number matches `pattern` as a whole, e.g. `"\\+86.*"` for callers from China. */
export const callerMatches: IvrGuard<typeof callerMatchesParams> = {
  name: 'callerMatches',
  params: callerMatchesParams,
  check: (params, { context }) => matchesWhole(params.pattern, context.call.callerNumber),
};
