import { validateFlowSource, type ValidationOptions } from '../../ivr/validate-flow.ts';
import type { FlowValidator } from './flow-validator.ts';

/** The largest definition (compact JSON characters) validated pretty-printed; sample flows are 3-6 KB. */
export const prettyPrintLimit = 256 * 1024;

/**
 * The IVR's own validator behind the API's port, so an upload is judged by
 * exactly the rules the runtime applies. Problems keep the validator's state
 * path and message.
 *
 * @example
 * const validator = ivrFlowValidator({ promptExists: (name, language) => prompts.exists(name, language) });
 */
export function ivrFlowValidator(options: ValidationOptions): FlowValidator {
  return {
    validate(definition) {
      // Pretty-printed, a problem's line points into the definition as the
      // API shows it back. Past a size no hand-written flow reaches, the
      // compact text is judged instead: indenting a large, deep document
      // multiplies its size (a 1 MiB body at 64 levels became a 59 MB string).
      const compact = JSON.stringify(definition);
      const pretty = compact.length <= prettyPrintLimit;
      const { problems } = validateFlowSource(
        pretty ? JSON.stringify(definition, null, 2) : compact,
        'upload.json',
        options,
      );
      return problems.map((p) => ({
        path: p.statePath,
        message: p.line === undefined || !pretty ? p.message : `${p.message} (line ${p.line})`,
      }));
    },
  };
}
