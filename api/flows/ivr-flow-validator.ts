import { validateFlowSource, type ValidationOptions } from '../../ivr/validate-flow.ts';
import type { FlowValidator } from './flow-validator.ts';

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
      const { problems } = validateFlowSource(
        JSON.stringify(definition, null, 2),
        'upload.json',
        options,
      );
      return problems.map((p) => ({
        path: p.statePath,
        message: p.line === undefined ? p.message : `${p.message} (line ${p.line})`,
      }));
    },
  };
}
