import { z } from 'zod';
import type { Prompt } from './call-session.ts';
import type { FlowContext } from './flow-context.ts';
import { interpolate } from './template.ts';

/** Languages flows may speak; prompts live in `flows/prompts/<language>/`. */
export const languages = ['en', 'zh'] as const;
export type Language = (typeof languages)[number];
export const languageParam = z.enum(languages);

const promptName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9/-]*$/, 'prompt names use lower-case letters, digits, "-" and "/"');

/**
 * How a flow names something to play: a recorded prompt by name, or text for
 * text-to-speech (placeholders such as `{{vars.firstName}}` allowed), each
 * with an optional language.
 *
 * @example
 * "main-menu"
 * { "text": "Hello {{vars.firstName}}", "language": "en" }
 */
export const promptParam = z.union([
  promptName,
  z.strictObject({ file: promptName, language: languageParam.optional() }),
  z.strictObject({
    text: z.string().min(1, 'must not be empty'),
    language: languageParam.optional(),
  }),
]);
export type PromptParam = z.output<typeof promptParam>;

/** One prompt or several played in a row. */
export const promptListParam = z.union([promptParam, z.array(promptParam).min(1)]);
export type PromptListParam = z.output<typeof promptListParam>;

/** The language a step speaks: its own `language`, else the flow's `vars.language`, else English. */
export function stepLanguage(explicit: Language | undefined, context: FlowContext): Language {
  if (explicit !== undefined) return explicit;
  const chosen = context.vars['language'];
  return languages.find((language) => language === chosen) ?? 'en';
}

/** Turns prompt parameters into what the {@link CallSession} plays. */
export function toPrompts(
  param: PromptListParam | undefined,
  language: Language,
  context: FlowContext,
): Prompt[] {
  if (param === undefined) return [];
  const list = Array.isArray(param) ? param : [param];
  return list.map((item): Prompt => {
    if (typeof item === 'string') return { kind: 'file', name: item, language };
    if ('file' in item)
      return { kind: 'file', name: item.file, language: item.language ?? language };
    return {
      kind: 'tts',
      text: interpolate(item.text, context),
      language: item.language ?? language,
    };
  });
}

/** Recorded prompts a parameter names, with the language when it fixes one; for the validator. */
export function promptFiles(
  param: PromptListParam | undefined,
): { readonly name: string; readonly language?: Language }[] {
  if (param === undefined) return [];
  const list = Array.isArray(param) ? param : [param];
  return list.flatMap((item) => {
    if (typeof item === 'string') return [{ name: item }];
    if ('file' in item) return [{ name: item.file, language: item.language }];
    return [];
  });
}
