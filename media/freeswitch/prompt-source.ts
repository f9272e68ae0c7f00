import type { Prompt } from '../../ivr/call-session.ts';

/** A text-to-speech voice FreeSWITCH has, for the `speak` application. */
export interface TtsVoice {
  /** e.g. `flite` (mod_flite). */
  readonly engine: string;
  /** e.g. `kal`. */
  readonly voice: string;
}

/** How prompt names map to what FreeSWITCH can play. */
export interface PromptSourceOptions {
  /** Directory on the FreeSWITCH host holding `<language>/<name>.wav`. */
  readonly promptsDir: string;
  /** TTS voice per language; a language without one is not spoken. */
  readonly voices: Readonly<Record<string, TtsVoice>>;
  /** The `local_stream` name per music name, e.g. `{ default: 'moh' }`; unknown names use the name. */
  readonly music?: Readonly<Record<string, string>>;
}

/** What to do on the endpoint for one prompt. */
export type PlaybackSource =
  /** `Endpoint#play(file)` until it ends. */
  | { readonly kind: 'play'; readonly file: string }
  /** `Endpoint#play(file)` stopped with `uuid_break` after `durationMs` (looping music). */
  | { readonly kind: 'playFor'; readonly file: string; readonly durationMs: number }
  /** `Endpoint#execute('speak', 'engine|voice|text')`. */
  | { readonly kind: 'speak'; readonly argument: string };

/**
 * Turns a flow's {@link Prompt} into a FreeSWITCH playback: recorded prompts
 * are files under `promptsDir`, speech goes to the language's TTS voice,
 * music is a `local_stream` cut off after its duration, silence is a
 * `silence_stream`. Returns undefined when FreeSWITCH cannot say it (no
 * voice for the language); the caller logs and moves on rather than failing
 * the call.
 */
export function playbackSourceFor(
  prompt: Prompt,
  options: PromptSourceOptions,
): PlaybackSource | undefined {
  switch (prompt.kind) {
    case 'file':
      return {
        kind: 'play',
        file: `${options.promptsDir}/${safeSegment(prompt.language)}/${safePath(prompt.name)}.wav`,
      };
    case 'tts': {
      const voice =
        options.voices[prompt.language] ?? options.voices[baseLanguage(prompt.language)];
      if (voice === undefined) return undefined;
      const text = speakableText(prompt.text);
      if (text === '') return undefined;
      return { kind: 'speak', argument: `${voice.engine}|${voice.voice}|${text}` };
    }
    case 'music':
      return {
        kind: 'playFor',
        file: `local_stream://${options.music?.[prompt.name] ?? safeSegment(prompt.name)}`,
        durationMs: prompt.durationMs,
      };
    case 'silence':
      return {
        kind: 'play',
        file: `silence_stream://${Math.max(0, Math.round(prompt.durationMs))}`,
      };
  }
}

function baseLanguage(language: string): string {
  return language.split(/[-_]/)[0] ?? language;
}

/**
 * Prompt names come from flow files and may name a sub-folder of the
 * language's prompts (`queue/you-are-number`, `numbers/12`): each segment is
 * kept to safe characters and none may climb out (`..`, empty segments).
 */
function safePath(value: string): string {
  return value
    .split('/')
    .filter((segment) => segment !== '')
    .map(safeSegment)
    .join('/');
}

function safeSegment(value: string): string {
  return value.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_');
}

/** The longest text handed to FreeSWITCH's TTS in one `speak` (a caller hears about a minute of it). */
export const maxSpokenCharacters = 500;

/**
 * Text for FreeSWITCH's `speak`, made safe to leave Switchboard. Spoken text
 * carries what callers and CRMs control (`{{call.callerNumber}}`, `vars.*`
 * from `httpLookup`), and FreeSWITCH expands `${...}` in every application
 * argument, API calls such as `system` included (`${system(...)}` ran a shell
 * command as FreeSWITCH's user). So only letters, marks, digits, spaces and
 * punctuation a voice reads survive; everything else (`$`, braces,
 * backslashes, `|`, which splits speak's arguments, `^`, angle brackets,
 * control characters and line breaks, which end an event-socket command)
 * becomes a space. The caller hears the rest read literally. Capped at
 * {@link maxSpokenCharacters}.
 *
 * @example
 * speakableText('Hello ${system(touch pwned)}') // 'Hello system(touch pwned)'
 */
export function speakableText(text: string): string {
  const kept = text
    .normalize('NFC')
    .replace(/[^\p{L}\p{M}\p{N} .,;:!?'"()\-+%#*@/&]+/gu, ' ')
    .replace(/ {2,}/g, ' ')
    .replace(/ ([,.;:!?])/g, '$1')
    .trim();
  return [...kept].slice(0, maxSpokenCharacters).join('').trim();
}
