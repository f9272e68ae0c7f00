import { z } from 'zod';
import type { Prompt } from '../call-session.ts';
import {
  languageParam,
  promptFiles,
  promptListParam,
  stepLanguage,
  toPrompts,
} from '../prompt-param.ts';
import { sayKinds, sayPromptNames, speakValue } from '../speak-value.ts';
import { interpolate } from '../template.ts';
import type { IvrActor } from './ivr-actor.ts';

const sayParams = z.strictObject({
  kind: z.enum(sayKinds),
  /** The value, usually a placeholder such as `{{vars.balance}}`. */
  value: z.string().min(1, 'must not be empty'),
  language: languageParam.optional(),
  currency: z.enum(['USD', 'CNY']).default('USD'),
  /** Played before the value, e.g. "your balance is". */
  before: promptListParam.optional(),
  /** Played after the value. */
  after: promptListParam.optional(),
});

/**
 * Speaks a number, digit string, date (YYYY-MM-DD) or money amount by
 * concatenating recorded prompts, in English or Chinese. Result: `ok`. A
 * value that cannot be spoken fails the step (take `onError`).
 */
export const say: IvrActor<typeof sayParams> = {
  name: 'say',
  params: sayParams,
  results: ['ok'],
  promptFiles: (params, language) => [
    ...promptFiles(params.before),
    ...promptFiles(params.after),
    ...sayPromptNames(params.language ?? language).map((name) => ({
      name,
      language: params.language,
    })),
  ],
  async run(params, step) {
    const language = stepLanguage(params.language, step.flow);
    const value = interpolate(params.value, step.flow);
    const spoken: Prompt[] = speakValue(params.kind, value, language, params.currency).map(
      (name) => ({ kind: 'file', name, language }),
    );
    await step.session.play(
      [
        ...toPrompts(params.before, language, step.flow),
        ...spoken,
        ...toPrompts(params.after, language, step.flow),
      ],
      { signal: step.signal },
    );
    return { status: 'ok' };
  },
};
