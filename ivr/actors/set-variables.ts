import { z } from 'zod';
import type { FlowValue } from '../flow-context.ts';
import { interpolate } from '../template.ts';
import type { IvrActor } from './ivr-actor.ts';
import { variableName } from './step-params.ts';

const setVariablesParams = z.strictObject({
  /** Name to value; string values may use placeholders such as `{{digits}}`. */
  values: z.record(variableName, z.union([z.string(), z.number(), z.boolean(), z.null()])),
});

/** Sets flow variables (language, account, priority...). Result: `ok`. */
export const setVariables: IvrActor<typeof setVariablesParams> = {
  name: 'setVariables',
  params: setVariablesParams,
  results: ['ok'],
  run(params, step) {
    const variables: Record<string, FlowValue> = {};
    for (const [name, value] of Object.entries(params.values)) {
      variables[name] = typeof value === 'string' ? interpolate(value, step.flow) : value;
    }
    return Promise.resolve({ status: 'ok', variables });
  },
};
