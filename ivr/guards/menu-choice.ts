import { z } from 'zod';
import type { IvrGuard } from './ivr-guard.ts';

const menuChoiceParams = z.strictObject({ choice: z.string().min(1) });

/** True when the caller picked `choice` in the `menu` step just finished. */
export const menuChoice: IvrGuard<typeof menuChoiceParams> = {
  name: 'menuChoice',
  params: menuChoiceParams,
  check: (params, { result }) => result?.status === 'match' && result.choice === params.choice,
};
