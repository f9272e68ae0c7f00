import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { maxFlowSourceBytes } from '../platform/document-limits.ts';
import { SwitchboardError } from '../platform/switchboard-error.ts';
import { formatProblem } from './flow-problem.ts';
import { PromptLibrary } from './prompt-library.ts';
import { validateFlowSource, type FlowDefinition, type ValidationResult } from './validate-flow.ts';

/** Where a flow file's prompts live unless told otherwise: `prompts/` beside it. */
export function defaultPromptsDirectory(flowFile: string): string {
  return join(dirname(flowFile), 'prompts');
}

/** Reads and validates a flow file; an unreadable file is reported like any other problem. */
export async function validateFlowFile(
  file: string,
  prompts: PromptLibrary = new PromptLibrary(defaultPromptsDirectory(file)),
): Promise<ValidationResult> {
  let text: string;
  try {
    // Refused before it is read: a huge file must not be loaded to be told it is too big.
    const { size } = await stat(file);
    if (size > maxFlowSourceBytes) {
      const message = `the file is ${size.toLocaleString('en')} bytes; at most ${maxFlowSourceBytes.toLocaleString('en')} are accepted`;
      return { problems: [{ file, statePath: '(file)', message: `cannot read: ${message}` }] };
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    return { problems: [{ file, statePath: '(file)', message: `cannot read: ${reason}` }] };
  }
  return validateFlowSource(text, file, {
    promptExists: (name, language) => prompts.exists(name, language),
  });
}

/**
 * Loads a flow for running. Only a flow with no problems at all runs: a
 * broken one is refused with `flow_invalid`, listing every problem.
 *
 * @example
 * const flow = await loadFlow('flows/main-menu.json');
 */
export async function loadFlow(file: string, prompts?: PromptLibrary): Promise<FlowDefinition> {
  const result = await validateFlowFile(file, prompts);
  if (result.definition === undefined) {
    const lines = result.problems.map(formatProblem);
    throw new SwitchboardError(
      'flow_invalid',
      `${file} is not a valid flow:\n${lines.join('\n')}`,
      {
        problems: lines,
      },
    );
  }
  return result.definition;
}
