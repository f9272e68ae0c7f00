import type { FlowContext } from './flow-context.ts';

const placeholder = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The roots a template may name: `{{call.callerNumber}}`, `{{vars.accountId}}`, `{{digits}}`. */
const knownReference = /^(call\.(id|callerNumber|dialedNumber)|vars\.[A-Za-z_][\w]*|digits)$/;

/**
 * Fills `{{...}}` placeholders from the flow context. Unset variables become
 * empty strings. `encode` escapes each value, e.g. `encodeURIComponent` for URLs,
 * so a caller's input can never change the shape of a request.
 *
 * @example
 * interpolate('https://crm.example.com/accounts?phone={{call.callerNumber}}', context, encodeURIComponent);
 */
export function interpolate(
  template: string,
  context: FlowContext,
  encode: (value: string) => string = (value) => value,
): string {
  return template.replace(placeholder, (_match, reference: string) => {
    const value = resolveReference(reference, context);
    if (typeof value === 'string') return encode(value);
    if (typeof value === 'number' || typeof value === 'boolean') return encode(String(value));
    return '';
  });
}

function resolveReference(reference: string, context: FlowContext): unknown {
  if (reference === 'digits') return context.digits;
  const [root, key] = reference.split('.', 2);
  if (root === 'call' && key !== undefined) {
    return (context.call as unknown as Record<string, unknown>)[key];
  }
  if (root === 'vars' && key !== undefined) return context.vars[key];
  return undefined;
}

/** Placeholders in `template` that name nothing a flow has; for the validator. */
export function unknownReferences(template: string): string[] {
  return [...template.matchAll(placeholder)]
    .map((match) => match[1] ?? '')
    .filter((reference) => !knownReference.test(reference));
}

/**
 * Fills a URL template: a placeholder that opens the URL is the base address
 * (`{{vars.crmBaseUrl}}/accounts`) and goes in as is; every other value is
 * URL-encoded, so a caller's input can never change the shape of a request.
 */
export function interpolateUrl(template: string, context: FlowContext): string {
  const leading = /^\{\{[^{}]*\}\}/.exec(template);
  const base = leading === null ? '' : interpolate(leading[0], context);
  const rest = leading === null ? template : template.slice(leading[0].length);
  return base + interpolate(rest, context, encodeURIComponent);
}
