import type { ContactMasker } from './contact-masking.ts';

/** What a field holds about a customer. */
export type PersonalKind = 'phone' | 'email' | 'flow-variables';

/**
 * Field names that hold a customer's phone number, email or flow variables
 * wherever they appear in a free-form record (a call event's payload, an
 * audit entry's details, a routing event): one table, so a new producer
 * that uses these names is masked without a change here.
 */
export const personalFields: ReadonlyMap<string, PersonalKind> = new Map([
  ['callerNumber', 'phone'],
  ['callbackNumber', 'phone'],
  ['fromNumber', 'phone'],
  ['toNumber', 'phone'],
  ['number', 'phone'],
  ['phone', 'phone'],
  ['email', 'email'],
  ['attributes', 'flow-variables'],
  ['vars', 'flow-variables'],
]);

/**
 * {@link personalFields} plus `from` and `to`, which are the call's numbers
 * on a call's timeline and live call events (`call.started`), though
 * elsewhere (an audit entry's `role: { from, to }`) they are not.
 */
export const callPersonalFields: ReadonlyMap<string, PersonalKind> = new Map([
  ...personalFields,
  ['from', 'phone'],
  ['to', 'phone'],
]);

/** Records and lists are masked this deep; anything deeper is dropped, not shown. */
const maxDepth = 16;

/**
 * A copy of `value` with every personal field masked for `mask`'s principal
 * (the value itself when nothing is hidden from them). Flow variables kept
 * as a JSON string (stream fields are strings) are read, reduced and
 * written back; one that is not a JSON object is hidden whole.
 *
 * @example
 * maskPersonalData({ target: { kind: 'number', number: '+15551230000' } }, masker);
 * // { target: { kind: 'number', number: '+1••••••0000' } }
 */
export function maskPersonalData(
  value: unknown,
  mask: ContactMasker,
  fields: ReadonlyMap<string, PersonalKind> = personalFields,
): unknown {
  return mask.full ? value : maskValue(value, mask, fields, 0);
}

function maskValue(
  value: unknown,
  mask: ContactMasker,
  fields: ReadonlyMap<string, PersonalKind>,
  depth: number,
): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= maxDepth) return undefined;
  if (Array.isArray(value)) return value.map((item) => maskValue(item, mask, fields, depth + 1));
  const masked: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const kind = fields.get(key);
    masked[key] =
      kind === undefined ? maskValue(child, mask, fields, depth + 1) : maskField(kind, child, mask);
  }
  return masked;
}

function maskField(kind: PersonalKind, value: unknown, mask: ContactMasker): unknown {
  switch (kind) {
    case 'phone':
      return typeof value === 'string' ? mask.phone(value) : hidden(value);
    case 'email':
      return typeof value === 'string' ? mask.email(value) : hidden(value);
    case 'flow-variables':
      return maskVariables(value, mask);
  }
}

function maskVariables(value: unknown, mask: ContactMasker): unknown {
  if (typeof value === 'string') {
    const parsed = parseObject(value);
    return parsed === undefined ? '' : JSON.stringify(mask.variables(parsed));
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return mask.variables(value as Record<string, unknown>);
  }
  return hidden(value);
}

/** A personal field of an unexpected shape: nothing of it is shown. */
function hidden(value: unknown): unknown {
  return value === null || value === undefined ? value : '•••';
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
