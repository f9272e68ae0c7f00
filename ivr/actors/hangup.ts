import { z } from 'zod';
import {
  languageParam,
  promptFiles,
  promptListParam,
  stepLanguage,
  toPrompts,
} from '../prompt-param.ts';
import type { IvrActor } from './ivr-actor.ts';

const hangupParams = z.strictObject({
  /** Goodbye played first. */
  prompt: promptListParam.optional(),
  language: languageParam.optional(),
  cause: z.enum(['normal', 'busy', 'rejected']).default('normal'),
});

/** Says goodbye (optionally) and hangs up with a cause. Ends the call; no result. */
export const hangup: IvrActor<typeof hangupParams> = {
  name: 'hangup',
  params: hangupParams,
  results: [],
  endsCall: true,
  promptFiles: (params) => promptFiles(params.prompt),
  async run(params, step) {
    const language = stepLanguage(params.language, step.flow);
    if (params.prompt !== undefined) {
      await step.session.play(toPrompts(params.prompt, language, step.flow), {
        signal: step.signal,
      });
    }
    step.report({ kind: 'hungUp', cause: params.cause });
    await step.session.hangup(params.cause);
    return { status: 'hungUp' };
  },
};
