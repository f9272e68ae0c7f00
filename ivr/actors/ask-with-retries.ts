import type { Prompt } from '../call-session.ts';
import {
  promptFiles,
  stepLanguage,
  toPrompts,
  type Language,
  type PromptListParam,
} from '../prompt-param.ts';
import type { StepContext } from './ivr-actor.ts';

/** The prompt parameters every input step (`gather`, `menu`) shares. */
export interface RetryPromptParams {
  readonly prompt: PromptListParam;
  readonly noInputPrompt?: PromptListParam | undefined;
  readonly invalidPrompt?: PromptListParam | undefined;
  readonly language?: Language | undefined;
  readonly retries: number;
}

/** Recorded prompts an input step may play, for the validator. */
export function retryPromptFiles(params: RetryPromptParams) {
  return [
    ...promptFiles(params.prompt),
    ...promptFiles(params.noInputPrompt),
    ...promptFiles(params.invalidPrompt),
  ];
}

/**
 * Asks up to `retries + 1` times. Each retry first plays the no-input or
 * invalid prompt (whichever went wrong last time), then the prompt again.
 * `accept` turns valid digits into the step's result; anything it refuses
 * counts as `nomatch`, silence as `noinput`.
 */
export async function askWithRetries<Result>(
  params: RetryPromptParams,
  step: StepContext,
  collect: (prompts: Prompt[]) => Promise<string>,
  accept: (digits: string) => Result | undefined,
): Promise<Result | { status: 'noinput' | 'nomatch'; digits: string }> {
  const language = stepLanguage(params.language, step.flow);
  let status: 'noinput' | 'nomatch' = 'noinput';
  let digits = '';
  for (let attempt = 0; attempt <= params.retries; attempt++) {
    const retryPrompt = status === 'noinput' ? params.noInputPrompt : params.invalidPrompt;
    digits = await collect([
      ...(attempt > 0 ? toPrompts(retryPrompt, language, step.flow) : []),
      ...toPrompts(params.prompt, language, step.flow),
    ]);
    const result = accept(digits);
    if (result !== undefined) return result;
    status = digits === '' ? 'noinput' : 'nomatch';
  }
  return { status, digits };
}
