import { z } from 'zod';
import { variableName } from '../actors/step-params.ts';
import type { FlowValue } from '../flow-context.ts';
import type { IvrGuard } from './ivr-guard.ts';

const variableCompareParams = z.strictObject({
  variable: variableName,
  op: z.enum(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'set', 'unset']),
  value: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
});

/**
 * Compares a flow variable with `value`: `eq`, `ne`, and for numbers (or
 * numeric strings) `lt`, `le`, `gt`, `ge`; `set` / `unset` test presence.
 */
export const variableCompare: IvrGuard<typeof variableCompareParams> = {
  name: 'variableCompare',
  params: variableCompareParams,
  check: (params, { context }) => {
    const actual: FlowValue | undefined = context.vars[params.variable];
    const present = actual !== undefined && actual !== null && actual !== '';
    switch (params.op) {
      case 'set':
        return present;
      case 'unset':
        return !present;
      case 'eq':
        return loosely(actual) === loosely(params.value);
      case 'ne':
        return loosely(actual) !== loosely(params.value);
      case 'lt':
      case 'le':
      case 'gt':
      case 'ge': {
        const left = Number(actual);
        const right = Number(params.value);
        if (!present || Number.isNaN(left) || Number.isNaN(right)) return false;
        if (params.op === 'lt') return left < right;
        if (params.op === 'le') return left <= right;
        if (params.op === 'gt') return left > right;
        return left >= right;
      }
    }
  },
};

/** Variables from HTTP lookups arrive as strings or numbers alike; compare them as text. */
function loosely(value: FlowValue | undefined): string {
  return value === undefined || value === null ? '' : String(value);
}
