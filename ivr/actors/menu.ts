import { z } from 'zod';
import { languageParam, promptListParam } from '../prompt-param.ts';
import { askWithRetries, retryPromptFiles } from './ask-with-retries.ts';
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
  promptFiles: retryPromptFiles,
  run: (params, step) =>
    askWithRetries(
      params,
      step,
      async (prompts) =>
        (
          await step.session.collectDigits({
            prompts,
            minDigits: 1,
            maxDigits: 1,
            firstDigitTimeoutMs: params.timeoutSeconds * 1000,
            interDigitTimeoutMs: params.timeoutSeconds * 1000,
            signal: step.signal,
          })
        ).digits,
      (digits) => {
        const choice = params.options[digits];
        return choice === undefined ? undefined : { status: 'match' as const, digits, choice };
      },
    ),
};
