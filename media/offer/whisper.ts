import type { Prompt } from '../../ivr/call-session.ts';
import type { Logger } from '../../platform/logger.ts';
import type { ConnectedLeg } from '../freeswitch/connected-leg.ts';
import { playbackSourceFor, type PromptSourceOptions } from '../freeswitch/prompt-source.ts';

/** What the agent hears on answering an offer, before the caller is connected. */
export interface WhisperSubject {
  readonly queueId: string;
  readonly callerNumber?: string;
  /** Set for callback offers: the number about to be dialled. */
  readonly callbackNumber?: string;
}

/**
 * The whisper: the queue, and who is calling (or who is about to be called
 * back), spoken by FreeSWITCH's TTS in `language`. Digits are spaced so the
 * engine reads them one by one, as agents expect to hear a number.
 *
 * @example
 * whisperPrompts({ queueId: 'billing', callerNumber: '+15550001111' }, 'en')
 * // [{ kind: 'tts', text: 'billing call from 1 5 5 5 0 0 0 1 1 1 1', language: 'en' }]
 */
export function whisperPrompts(subject: WhisperSubject, language: string): Prompt[] {
  const queue = subject.queueId.replace(/[-_]+/g, ' ');
  const text =
    subject.callbackNumber !== undefined
      ? `${queue} callback to ${spelled(subject.callbackNumber)}`
      : subject.callerNumber !== undefined
        ? `${queue} call from ${spelled(subject.callerNumber)}`
        : `${queue} call`;
  return [{ kind: 'tts', text, language }];
}

function spelled(number: string): string {
  return number
    .replace(/[^0-9]/g, '')
    .split('')
    .join(' ');
}

/**
 * Plays `prompts` to the agent's leg only (the caller is not bridged yet).
 * Resolves true when played, false when the leg ended or `signal` aborted
 * (playback is then stopped with `uuid_break`). Never rejects.
 */
export async function playToLeg(
  leg: ConnectedLeg,
  prompts: readonly Prompt[],
  options: { readonly prompts: PromptSourceOptions; readonly logger: Logger; signal?: AbortSignal },
): Promise<boolean> {
  for (const prompt of prompts) {
    if (leg.ended || options.signal?.aborted) return false;
    const source = playbackSourceFor(prompt, options.prompts);
    if (source === undefined) continue;
    const playing =
      source.kind === 'speak'
        ? leg.endpoint.execute('speak', source.argument)
        : leg.endpoint.play(source.file);
    const stop = () => {
      void leg.endpoint.api('uuid_break', leg.endpoint.uuid).catch(() => undefined);
    };
    options.signal?.addEventListener('abort', stop, { once: true });
    const unwatch = leg.onEnded(stop);
    try {
      await playing;
    } catch (error) {
      if (!leg.ended) options.logger.warn({ err: error }, 'whisper playback failed');
    } finally {
      options.signal?.removeEventListener('abort', stop);
      unwatch();
    }
  }
  return !leg.ended && options.signal?.aborted !== true;
}
