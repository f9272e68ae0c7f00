import { z } from 'zod';
import {
  languageParam,
  promptFiles,
  promptListParam,
  stepLanguage,
  toPrompts,
} from '../prompt-param.ts';
import type { IvrActor } from './ivr-actor.ts';

const playParams = z.strictObject({
  prompt: promptListParam,
  language: languageParam.optional(),
  /** When true any key stops the prompt; the key is kept for the next gather or menu. */
  interruptible: z.boolean().default(false),
});

/** Plays prompts. Results: `ok`, or `interrupted` (with `digits`, the key) when a key cut it short. */
export const play: IvrActor<typeof playParams> = {
  name: 'play',
  params: playParams,
  results: ['ok', 'interrupted'],
  promptFiles: (params) => promptFiles(params.prompt),
  async run(params, step) {
    const language = stepLanguage(params.language, step.flow);
    const result = await step.session.play(toPrompts(params.prompt, language, step.flow), {
      interruptKeys: params.interruptible ? '0123456789*#' : '',
      signal: step.signal,
    });
    return result.interruptedBy === undefined
      ? { status: 'ok' }
      : { status: 'interrupted', digits: result.interruptedBy };
  },
};
