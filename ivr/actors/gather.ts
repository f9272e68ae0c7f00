import { z } from 'zod';
import { languageParam, promptListParam } from '../prompt-param.ts';
import { askWithRetries, retryPromptFiles } from './ask-with-retries.ts';
import type { IvrActor } from './ivr-actor.ts';
import { key, matchesWhole, regexPattern, seconds, variableName } from './step-params.ts';

const gatherParams = z
  .strictObject({
    prompt: promptListParam,
    language: languageParam.optional(),
    minDigits: z.number().int().min(1).max(32).default(1),
    maxDigits: z.number().int().min(1).max(32).default(1),
    finishKey: key.optional(),
    firstDigitTimeoutSeconds: seconds(5, 60),
    interDigitTimeoutSeconds: seconds(3, 30),
    /** Further attempts after a no-input or invalid entry. */
    retries: z.number().int().min(0).max(5).default(2),
    /** Entries that do not match this (whole) pattern count as invalid. */
    validPattern: regexPattern.optional(),
    noInputPrompt: promptListParam.optional(),
    invalidPrompt: promptListParam.optional(),
    /** Also store the digits in this flow variable. */
    saveAs: variableName.optional(),
  })
  .refine((params) => params.minDigits <= params.maxDigits, {
    message: 'minDigits must not be more than maxDigits',
    path: ['minDigits'],
  });

/**
 * Asks for digits, retrying on silence or invalid entry. Results: `match`
 * (with `digits`), or after the last retry `noinput` or `nomatch`.
 */
export const gather: IvrActor<typeof gatherParams> = {
  name: 'gather',
  params: gatherParams,
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
            minDigits: params.minDigits,
            maxDigits: params.maxDigits,
            finishKey: params.finishKey,
            firstDigitTimeoutMs: params.firstDigitTimeoutSeconds * 1000,
            interDigitTimeoutMs: params.interDigitTimeoutSeconds * 1000,
            signal: step.signal,
          })
        ).digits,
      (digits) => {
        const valid =
          digits.length >= params.minDigits &&
          (params.validPattern === undefined || matchesWhole(params.validPattern, digits));
        if (!valid) return undefined;
        const variables = params.saveAs === undefined ? undefined : { [params.saveAs]: digits };
        return { status: 'match' as const, digits, variables };
      },
    ),
};
