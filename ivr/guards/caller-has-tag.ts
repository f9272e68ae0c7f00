import { z } from 'zod';
import type { IvrGuard } from './ivr-guard.ts';

const callerHasTagParams = z.strictObject({ tag: z.string().min(1, 'must not be empty') });

/** True when the caller's contact record carries `tag` (case-insensitive), e.g. `vip`. */
export const callerHasTag: IvrGuard<typeof callerHasTagParams> = {
  name: 'callerHasTag',
  params: callerHasTagParams,
  check: (params, { context }) =>
    context.call.tags.some((tag) => tag.toLowerCase() === params.tag.toLowerCase()),
};
