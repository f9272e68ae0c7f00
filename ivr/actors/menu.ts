import { z } from 'zod';
import {
  languageParam,
  promptFiles,
  promptListParam,
  stepLanguage,
  toPrompts,
} from '../prompt-param.ts';
import type { IvrActor } from './ivr-actor.ts';
import { seconds, variableName } from './step-params.ts';

const menuParams = z.strictObject({
  prompt: promptListParam,
  language: languageParam.optional(),
  /** Key to choice name, e.g. `{ "1": "sales", "2": "support" }`; branch with `menuChoice`. */
  options: z
    .record(
      z.string().regex(/^[0-9*#]$/, 'option keys must be single keys 0-9, * or #'),
      variableName,
    )
    .refine((options) => Object.keys(options).length > 0, {
      message: 'must offer at least one option',
    }),
  timeoutSeconds: seconds(5, 60),
  retries: z.number().int().min(0).max(5).default(2),
  noInputPrompt: promptListParam.optional(),
  invalidPrompt: promptListParam.optional(),
});

/**
 * A one-key menu: plays the prompt (any key barges in), maps the key to a
 * choice, retries on silence or a key that is not offered. Results: `match`
 * (with `choice` and `digits`), or after the last retry `noinput` or `nomatch`.
 */
export const menu: IvrActor<typeof menuParams> = {
  name: 'menu',
  params: menuParams,
  results: ['match', 'noinput', 'nomatch'],
  collectsInput: true,
  promptFiles: (params) => [
    ...promptFiles(params.prompt),
    ...promptFiles(params.noInputPrompt),
    ...promptFiles(params.invalidPrompt),
  ],
  async run(params, step) {
    const language = stepLanguage(params.language, step.flow);
    let status: 'noinput' | 'nomatch' = 'noinput';
    let digits = '';
    for (let attempt = 0; attempt <= params.retries; attempt++) {
      const retryPrompt = status === 'noinput' ? params.noInputPrompt : params.invalidPrompt;
      const entry = await step.session.collectDigits({
        prompts: [
          ...(attempt > 0 ? toPrompts(retryPrompt, language, step.flow) : []),
          ...toPrompts(params.prompt, language, step.flow),
        ],
        minDigits: 1,
        maxDigits: 1,
        firstDigitTimeoutMs: params.timeoutSeconds * 1000,
        interDigitTimeoutMs: params.timeoutSeconds * 1000,
        signal: step.signal,
      });
      digits = entry.digits;
      const choice = params.options[digits];
      if (choice !== undefined) return { status: 'match', digits, choice };
      status = digits === '' ? 'noinput' : 'nomatch';
    }
    return { status, digits };
  },
};
