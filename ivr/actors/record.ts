import { z } from 'zod';
import {
  languageParam,
  promptFiles,
  promptListParam,
  stepLanguage,
  toPrompts,
} from '../prompt-param.ts';
import type { IvrActor } from './ivr-actor.ts';
import { key, seconds, variableName } from './step-params.ts';

export const recordingParams = {
  prompt: promptListParam.optional(),
  language: languageParam.optional(),
  beep: z.boolean().default(true),
  maxLengthSeconds: seconds(120, 3600),
  silenceTimeoutSeconds: seconds(5, 60),
  finishKey: key.default('#'),
};

const recordParams = z.strictObject({
  ...recordingParams,
  /** Flow variable that receives the recording's URI; default `recordingUri`. */
  saveAs: variableName.default('recordingUri'),
});

/**
 * Records the caller (after an optional prompt and beep) until the finish
 * key, silence or the length limit. Result: `ok` with `recordingUri` and
 * `durationMs`; the URI is also stored in a flow variable.
 */
export const record: IvrActor<typeof recordParams> = {
  name: 'record',
  params: recordParams,
  results: ['ok'],
  promptFiles: (params) => promptFiles(params.prompt),
  async run(params, step) {
    const language = stepLanguage(params.language, step.flow);
    if (params.prompt !== undefined) {
      await step.session.play(toPrompts(params.prompt, language, step.flow), {
        signal: step.signal,
      });
    }
    const recording = await step.session.record({
      beep: params.beep,
      maxLengthMs: params.maxLengthSeconds * 1000,
      silenceTimeoutMs: params.silenceTimeoutSeconds * 1000,
      finishKey: params.finishKey,
      signal: step.signal,
    });
    return {
      status: 'ok',
      recordingUri: recording.recordingUri,
      durationMs: recording.durationMs,
      variables: { [params.saveAs]: recording.recordingUri },
    };
  },
};
