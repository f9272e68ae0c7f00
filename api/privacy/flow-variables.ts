import { redactSensitiveText } from './sensitive-text.ts';

/**
 * The flow variable naming, comma-separated, the variables agents may see on
 * their screen pop, e.g. a flow's `"context": { "screenPop": "tier,language" }`.
 * Everything else a flow gathered (account numbers from `gather`, CRM fields
 * from `httpLookup`) stays off agents' screens and out of tokens without
 * `pii`: a flow author names what is safe to show, rather than remembering
 * what to hide.
 */
export const screenPopVariable = 'screenPop';

/**
 * The variables `vars[screenPop]` lists, as strings with card and
 * national-id numbers redacted (a listed variable may still hold text a
 * caller typed). Unlisted variables, and the list itself, are left out.
 *
 * @example
 * displayableVariables({ screenPop: 'tier', tier: 'gold', account: '12345678' }); // { tier: 'gold' }
 */
export function displayableVariables(
  vars: Readonly<Record<string, unknown>>,
): Record<string, string> {
  const list = Object.hasOwn(vars, screenPopVariable) ? vars[screenPopVariable] : undefined;
  const shown: Record<string, string> = {};
  if (typeof list !== 'string') return shown;
  for (const raw of list.split(',')) {
    const name = raw.trim();
    if (name === '' || name === screenPopVariable || !Object.hasOwn(vars, name)) continue;
    const value = vars[name];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      shown[name] = redactSensitiveText(String(value));
    }
  }
  return shown;
}
