import { actorTable } from './actors/actor-table.ts';
import type { FlowReporter } from './check-flow-graph.ts';
import { isRecord, type FlowState } from './flow-states.ts';
import { languages, type Language } from './prompt-param.ts';

/**
 * Reports every prompt a state would play whose recording is missing, in every
 * language the flow can be speaking, so a caller never hears silence where a
 * prompt was meant to be.
 */
export function checkFlowPrompts(
  root: Record<string, unknown>,
  states: readonly FlowState[],
  promptExists: (name: string, language: Language) => boolean,
  report: FlowReporter,
): void {
  const spoken = languagesSpoken(root, states);
  for (const state of states) {
    const invoke = state.node['invoke'];
    if (!isRecord(invoke) || typeof invoke['src'] !== 'string') continue;
    const actor = actorTable.get(invoke['src']);
    const parsed = actor?.params.safeParse(invoke['input'] ?? {});
    if (actor?.promptFiles === undefined || parsed === undefined || !parsed.success) continue;
    const missing = new Set<string>();
    for (const language of spoken) {
      for (const ref of actor.promptFiles(parsed.data, language)) {
        const lang = ref.language ?? language;
        if (!promptExists(ref.name, lang)) missing.add(`prompts/${lang}/${ref.name}.wav`);
      }
    }
    for (const file of missing) {
      report(
        state.path,
        [...state.documentPath, 'invoke', 'input'],
        `prompt audio ${file} is missing`,
      );
    }
  }
}

/** Languages the flow can be speaking: its starting language and any it switches to. */
function languagesSpoken(root: Record<string, unknown>, states: readonly FlowState[]): Language[] {
  const context = isRecord(root['context']) ? root['context'] : {};
  const chosen = new Set<Language>([asLanguage(context['language']) ?? 'en']);
  for (const state of states) {
    const invoke = state.node['invoke'];
    if (!isRecord(invoke) || invoke['src'] !== 'setVariables' || !isRecord(invoke['input']))
      continue;
    const values = invoke['input']['values'];
    const language = isRecord(values) ? asLanguage(values['language']) : undefined;
    if (language !== undefined) chosen.add(language);
  }
  return [...chosen];
}

function asLanguage(value: unknown): Language | undefined {
  return languages.find((language) => language === value);
}
