/** Where a document first nests deeper than allowed. */
export interface NestingBreach {
  /** The depth that was allowed; the document opens level `limit + 1` here. */
  readonly limit: number;
  /** 1-based line of the bracket that went too deep. */
  readonly line: number;
  /** 1-based column of that bracket (UTF-16 units for text, bytes for a Buffer). */
  readonly column: number;
}

const quote = 0x22;
const backslash = 0x5c;
const openBrace = 0x7b;
const openBracket = 0x5b;
const closeBrace = 0x7d;
const closeBracket = 0x5d;
const newline = 0x0a;

/**
 * Measures how deeply `{` and `[` nest in JSON text, without parsing it: one
 * pass, no recursion, no regular expression, no allocation. Brackets inside
 * strings (escapes included) do not count. Stops at the first bracket that
 * opens level `maxDepth + 1` and says where it is; `undefined` when the text
 * stays within `maxDepth`. Text that is not JSON is measured all the same
 * (`JSON.parse` refuses it afterwards).
 *
 * A Buffer is scanned as UTF-8 bytes: every byte of a multi-byte character is
 * 0x80 or above, so it can never be mistaken for a bracket or a quote.
 *
 * @example
 * findJsonNestingBreach('{"a":[1]}', 64); // undefined
 * findJsonNestingBreach('[[[1]]]', 2); // { limit: 2, line: 1, column: 3 }
 */
export function findJsonNestingBreach(
  text: string | Uint8Array,
  maxDepth: number,
): NestingBreach | undefined {
  // Past the end: NaN from charCodeAt, undefined from a Buffer; neither matches a code.
  const codeAt =
    typeof text === 'string' ? (i: number) => text.charCodeAt(i) : (i: number) => text[i];
  const length = text.length;
  let depth = 0;
  let inString = false;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < length; i++) {
    const code = codeAt(i);
    if (code === newline) {
      line++;
      lineStart = i + 1;
    } else if (inString) {
      // An escape covers the next unit; a newline there is invalid JSON and
      // left to be counted as a line by the next iteration.
      if (code === backslash) {
        if (codeAt(i + 1) !== newline) i++;
      } else if (code === quote) inString = false;
    } else if (code === quote) {
      inString = true;
    } else if (code === openBrace || code === openBracket) {
      depth++;
      if (depth > maxDepth) return { limit: maxDepth, line, column: i - lineStart + 1 };
    } else if ((code === closeBrace || code === closeBracket) && depth > 0) {
      depth--;
    }
  }
  return undefined;
}
