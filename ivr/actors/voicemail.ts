import { z } from 'zod';
import { promptFiles, promptListParam, stepLanguage, toPrompts } from '../prompt-param.ts';
import type { IvrActor } from './ivr-actor.ts';
import { recordingParams } from './record.ts';

const voicemailParams = z.strictObject({
  ...recordingParams,
  /** Whose voicemail: the team (or queue) whose ticket list the message lands in. */
  mailbox: z.string().min(1, 'must name a mailbox'),
  /** Played after the message is stored, if the caller is still there. */
  thankYouPrompt: promptListParam.optional(),
  /** Messages shorter than this are dropped as hang-ups, not stored. */
  minLengthSeconds: z.number().min(0).max(60).default(1),
});

/**
 * Records a message, stores it and opens a ticket for the mailbox's team.
 * Results: `stored` (with `voicemailId`, `ticketId`), or `empty` when the
 * caller said nothing worth keeping. A caller who hangs up after speaking
 * still leaves a message: the recording is stored even as the flow stops.
 */
export const voicemail: IvrActor<typeof voicemailParams> = {
  name: 'voicemail',
  params: voicemailParams,
  results: ['stored', 'empty'],
  promptFiles: (params) => [...promptFiles(params.prompt), ...promptFiles(params.thankYouPrompt)],
  async run(params, step) {
    const language = stepLanguage(params.language, step.flow);
    const { session } = step;
    if (params.prompt !== undefined) {
      await session.play(toPrompts(params.prompt, language, step.flow), { signal: step.signal });
    }
    // No abort signal: the recording must outlive a hang-up, and the runtime
    // always ends the call when the flow stops, which ends the recording.
    const stored = step.track(
      session
        .record({
          beep: params.beep,
          maxLengthMs: params.maxLengthSeconds * 1000,
          silenceTimeoutMs: params.silenceTimeoutSeconds * 1000,
          finishKey: params.finishKey,
        })
        .then(async (recording) => {
          if (recording.durationMs < params.minLengthSeconds * 1000) return undefined;
          const saved = await step.voicemail.store({
            mailbox: params.mailbox,
            callId: session.callId,
            callerNumber: session.callerNumber,
            recordingUri: recording.recordingUri,
            durationMs: recording.durationMs,
          });
          step.report({ kind: 'voicemail', mailbox: params.mailbox, ...saved });
          return saved;
        }),
    );
    const saved = await stored;
    if (saved === undefined) return { status: 'empty' };
    if (params.thankYouPrompt !== undefined && !session.ended) {
      await session.play(toPrompts(params.thankYouPrompt, language, step.flow), {
        signal: step.signal,
      });
    }
    return { status: 'stored', ...saved };
  },
};
