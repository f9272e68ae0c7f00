import { findJsonNestingBreach } from './json-nesting.ts';
import { exceedsDepth } from './value-depth.ts';
import { findYamlNestingBreach } from './yaml-nesting.ts';

/**
 * How deeply any document from outside may nest: API bodies, flow files, YAML
 * flow sources, CRM answers. Real flows nest about 11 levels
 * (flows/main-menu.json: states > state > states > state > invoke > onDone >
 * [transition] > guard > params > ...) and API bodies 3; 64 leaves room for
 * deeper state machines while keeping every recursive walk of the parsed
 * value (JSON.stringify, zod, Postgres jsonb, the yaml composer) far from its
 * stack, and indented re-serialisation (which grows with depth × size) small.
 */
export const maxDocumentDepth = 64;

/** Largest API request body (express.json's limit): a flow definition is the biggest, ~5 KB. */
export const maxRequestBodyBytes = 1024 * 1024;

/** Largest flow file or YAML flow source; the sample flows are 3-6 KB. */
export const maxFlowSourceBytes = 1024 * 1024;

/** Largest answer `httpLookup` reads from a CRM: the step copies a few scalars out of it. */
export const maxLookupAnswerBytes = 256 * 1024;

/**
 * Column where a YAML line's content may start, after indentation and block
 * indicators (`- `, `? `, `: `): 64 levels indented 4 spaces each. A block
 * level moves content right by at least one column (two for a sequence at
 * its key's indentation), so this bounds what the YAML parser sees to a few
 * hundred levels; the parsed value is then held to {@link maxDocumentDepth}.
 */
export const maxYamlIndent = 256;

/** Why a document was refused before anything parsed it. */
export interface DocumentRefusal {
  /** `too-large`: over its size limit; `too-deep`: nested past the depth limit, or YAML that would. */
  readonly kind: 'too-large' | 'too-deep';
  /**
   * Names the document, the problem and the limit, e.g. `request body is
   * nested more than 64 levels deep; at most 64 are accepted`.
   */
  readonly message: string;
  /** 1-based, where the text went too deep; {@link describeRefusal} adds them to the message. */
  readonly line?: number;
  readonly column?: number;
}

/**
 * Checks JSON text (or UTF-8 bytes) for size and depth before it is parsed.
 * `what` names the document in the message, e.g. `request body`.
 *
 * @example
 * checkJsonText(buffer, 'request body', maxRequestBodyBytes); // undefined when fine
 */
export function checkJsonText(
  text: string | Uint8Array,
  what: string,
  maxBytes: number,
): DocumentRefusal | undefined {
  const tooLarge = checkSize(text, what, maxBytes);
  if (tooLarge !== undefined) return tooLarge;
  const breach = findJsonNestingBreach(text, maxDocumentDepth);
  if (breach === undefined) return undefined;
  return tooDeep(`${what} is nested`, breach.line, breach.column);
}

/**
 * Checks YAML text for size and for anything that would nest past the bounds
 * of {@link findYamlNestingBreach} before it is parsed. Check the parsed value
 * with {@link checkParsedDepth} too: these bounds are looser than
 * {@link maxDocumentDepth}, and aliases add depth the text does not show.
 */
export function checkYamlText(
  text: string,
  what: string,
  maxBytes: number,
): DocumentRefusal | undefined {
  const tooLarge = checkSize(text, what, maxBytes);
  if (tooLarge !== undefined) return tooLarge;
  const breach = findYamlNestingBreach(text, {
    maxFlowDepth: maxDocumentDepth,
    maxIndent: maxYamlIndent,
  });
  if (breach === undefined) return undefined;
  const { line, column } = breach;
  switch (breach.kind) {
    case 'flow':
      return tooDeep(`${what} has flow collections ([ and {) nested`, line, column);
    case 'indent':
      return {
        kind: 'too-deep',
        message: `${what} indents content past column ${maxYamlIndent}; at most ${maxYamlIndent} columns of indentation and - ? : indicators are accepted, which bounds nesting`,
        line,
        column,
      };
    case 'invalid':
      return {
        kind: 'too-deep',
        message: `${what} has ${breach.reason}, which YAML does not allow and which would nest without bound`,
        line,
        column,
      };
  }
}

/** The refusal's message with where it happened, e.g. `... are accepted (line 1, column 65)`. */
export function describeRefusal(refusal: DocumentRefusal): string {
  if (refusal.line === undefined) return refusal.message;
  return `${refusal.message} (line ${refusal.line}, column ${refusal.column ?? 1})`;
}

/** Checks an already parsed value (e.g. from YAML, where aliases add depth) against {@link maxDocumentDepth}. */
export function checkParsedDepth(value: unknown, what: string): DocumentRefusal | undefined {
  if (!exceedsDepth(value, maxDocumentDepth)) return undefined;
  return {
    kind: 'too-deep',
    message: `${what} is nested more than ${maxDocumentDepth} levels deep; at most ${maxDocumentDepth} are accepted`,
  };
}

function checkSize(
  text: string | Uint8Array,
  what: string,
  maxBytes: number,
): DocumentRefusal | undefined {
  const bytes = typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : text.length;
  if (bytes <= maxBytes) return undefined;
  return {
    kind: 'too-large',
    message: `${what} is ${bytes.toLocaleString('en-US')} bytes; at most ${maxBytes.toLocaleString('en-US')} are accepted`,
  };
}

/** `subject` says what nests, e.g. `request body is nested`. */
function tooDeep(subject: string, line: number, column: number): DocumentRefusal {
  return {
    kind: 'too-deep',
    message: `${subject} more than ${maxDocumentDepth} levels deep; at most ${maxDocumentDepth} are accepted`,
    line,
    column,
  };
}
