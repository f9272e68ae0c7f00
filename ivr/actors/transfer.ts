import { z } from 'zod';
import {
  promptFiles,
  promptListParam,
  stepLanguage,
  toPrompts,
  languageParam,
} from '../prompt-param.ts';
import type { IvrActor } from './ivr-actor.ts';
import { seconds } from './step-params.ts';

const destination = z
  .string()
  .refine((value) => /^\+?[0-9]{3,15}$/.test(value) || /^sips?:[^\s@]+@[^\s@]+$/.test(value), {
    message: 'must be a phone number (E.164, e.g. +15551230000) or a SIP URI (sip:user@host)',
  });

const transferParams = z.strictObject({
  destination,
  timeoutSeconds: seconds(30, 120),
  /** Played before dialling, e.g. "please hold while we connect you". */
  prompt: promptListParam.optional(),
  language: languageParam.optional(),
});

/**
 * Dials a number or SIP URI and hands the caller over when it answers (the
 * flow ends there). Results: `answered`, `busy`, `noAnswer`, `failed`; branch
 * on the last three with `resultIs` for a fallback.
 */
export const transfer: IvrActor<typeof transferParams> = {
  name: 'transfer',
  params: transferParams,
  results: ['answered', 'busy', 'noAnswer', 'failed'],
  promptFiles: (params) => promptFiles(params.prompt),
  async run(params, step) {
    const language = stepLanguage(params.language, step.flow);
    if (params.prompt !== undefined) {
      await step.session.play(toPrompts(params.prompt, language, step.flow), {
        signal: step.signal,
      });
    }
    step.report({ kind: 'transfer', destination: params.destination, result: 'dialling' });
    const result = await step.session.transfer(params.destination, {
      timeoutMs: params.timeoutSeconds * 1000,
      signal: step.signal,
    });
    step.report({ kind: 'transfer', destination: params.destination, result: result.outcome });
    return { status: result.outcome };
  },
};
