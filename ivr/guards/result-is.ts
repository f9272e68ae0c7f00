import { z } from 'zod';
import type { IvrGuard } from './ivr-guard.ts';

const resultIsParams = z.strictObject({ status: z.string().min(1) });

/** True when the step result's status is `status`: `noinput`, `busy`, `timedOut`, ... */
export const resultIs: IvrGuard<typeof resultIsParams> = {
  name: 'resultIs',
  params: resultIsParams,
  check: (params, { result }) => result?.status === params.status,
};
