/**
 * How far the `yaml` package's tokenizer (its `Lexer`, yaml 2.x) takes each
 * kind of token, rule for rule, so a scan can tell what is quoted, a scalar
 * or a comment exactly as the parser will. Every function takes the text and
 * a start, and returns the position just past the token. `indentNext` is the
 * Lexer's: the indentation a continuation line needs to stay in the scalar.
 */

const flowIndicators = new Set([',', '[', ']', '{', '}']);
const anchorEnds = new Set([' ', ',', '[', ']', '{', '}', '\n', '\r', '\t']);
const tagChars = new Set(
  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-#;/?:@&=+$_.!~*'()",
);
const hexDigits = new Set('0123456789ABCDEFabcdef');

/** Space, tab, line break or the end of the text. */
export function isEmpty(ch: string | undefined): boolean {
  return ch === undefined || ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t';
}

export function isFlowIndicator(ch: string | undefined): boolean {
  return ch !== undefined && flowIndicators.has(ch);
}

/** Where a scalar continues on the line starting at `offset`, or -1 when it ends before it. */
export function continueScalar(text: string, offset: number, indentNext: number): number {
  let ch = text[offset];
  if (indentNext > 0) {
    let indent = 0;
    while (ch === ' ') ch = text[++indent + offset];
    if (ch === '\r' && text[indent + offset + 1] === '\n') return offset + indent + 1;
    return ch === '\n' || indent >= indentNext ? offset + indent : -1;
  }
  if (ch === '-' || ch === '.') {
    const marker = text.substr(offset, 3);
    if ((marker === '---' || marker === '...') && isEmpty(text[offset + 3])) return -1;
  }
  return offset;
}

/** A `'...'` or `"..."` scalar starting at `start` (its quote). */
export function quotedScalarEnd(text: string, start: number, indentNext: number): number {
  const quote = text[start]!;
  let end = text.indexOf(quote, start + 1);
  if (quote === "'") {
    while (end !== -1 && text[end + 1] === "'") end = text.indexOf("'", end + 2);
  } else {
    while (end !== -1) {
      let backslashes = 0;
      while (text[end - 1 - backslashes] === '\\') backslashes++;
      if (backslashes % 2 === 0) break;
      end = text.indexOf('"', end + 1);
    }
  }
  // Unterminated, it runs to the end of the text.
  if (end === -1) return text.length;
  // Terminated, a line indented less than the scalar needs ends it before that line (an error).
  for (let i = start + 1; i < end;) {
    if (text[i] !== '\n') i++;
    else {
      const cs = continueScalar(text, i + 1, indentNext);
      if (cs === -1) return i - (text[i - 1] === '\r' ? 1 : 0);
      i = cs;
    }
  }
  return end + 1;
}

/** A plain (unquoted) scalar, which may go on over more-indented lines. */
export function plainScalarEnd(
  text: string,
  start: number,
  inFlow: boolean,
  indentNext: number,
): number {
  let end = start - 1;
  let i = start - 1;
  let ch: string | undefined;
  while ((ch = text[++i]) !== undefined) {
    if (ch === ':') {
      const next = text[i + 1];
      if (isEmpty(next) || (inFlow && isFlowIndicator(next))) break;
      end = i;
    } else if (isEmpty(ch)) {
      let next = text[i + 1];
      if (ch === '\r') {
        if (next === '\n') {
          i++;
          ch = '\n';
          next = text[i + 1];
        } else end = i;
      }
      if (next === '#' || (inFlow && isFlowIndicator(next))) break;
      if (ch === '\n') {
        const cs = continueScalar(text, i + 1, indentNext);
        if (cs === -1) break;
        i = Math.max(i, cs - 2);
      }
    } else {
      if (inFlow && isFlowIndicator(ch)) break;
      end = i;
    }
  }
  return end + 1;
}

/** What a block scalar header (`|`, `>-`, `|2+`) says, and where it ends. */
export interface BlockScalarHeader {
  readonly end: number;
  /** Explicit indentation indicator minus one, or -1. */
  readonly indent: number;
  /** `+`: trailing blank lines belong to the scalar. */
  readonly keep: boolean;
}

export function blockScalarHeader(text: string, start: number): BlockScalarHeader {
  let indent = -1;
  let keep = false;
  for (let i = start + 1; ; i++) {
    const ch = text[i];
    if (ch === '+') keep = true;
    else if (ch !== undefined && ch > '0' && ch <= '9') indent = Number(ch) - 1;
    else if (ch !== '-') break;
  }
  let end = start;
  while (!isEmpty(text[end]) && text[end] !== '#') end++;
  return { end, indent, keep };
}

/**
 * A block scalar's lines, starting on the line after its header: where they
 * end and the Lexer's `indentNext` afterwards.
 */
export function blockScalarEnd(
  text: string,
  start: number,
  indentNext: number,
  header: BlockScalarHeader,
): { end: number; indentNext: number } {
  let nl = start - 1;
  let indent = 0;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (ch === ' ') indent++;
    else if (ch === '\n') {
      nl = i;
      indent = 0;
    } else if (!(ch === '\r' && text[i + 1] === '\n')) break;
  }
  let next = indentNext;
  if (indent >= next) {
    next = header.indent === -1 ? indent : header.indent + (next === 0 ? 1 : next);
    do {
      const cs = continueScalar(text, nl + 1, next);
      if (cs === -1) break;
      nl = text.indexOf('\n', cs);
    } while (nl !== -1);
    if (nl === -1) nl = text.length;
  }
  return { end: trimBlockScalarEnd(text, start, nl, indent, header.keep) + 1, indentNext: next };
}

/** Trailing blank lines not indented past the first line are left out (unless kept). */
function trimBlockScalarEnd(
  text: string,
  start: number,
  nl: number,
  indent: number,
  keep: boolean,
): number {
  let i = nl + 1;
  let ch = text[i];
  while (ch === ' ') ch = text[++i];
  if (ch === '\t') {
    while (ch === '\t' || ch === ' ' || ch === '\r' || ch === '\n') ch = text[++i];
    return i - 1;
  }
  if (keep) return nl;
  for (;;) {
    let j = nl - 1;
    let c = text[j];
    if (c === '\r') c = text[--j];
    const lastChar = j;
    while (c === ' ') c = text[--j];
    if (c === '\n' && j >= start && j + 1 + indent > lastChar) nl = j;
    else return nl;
  }
}

/** A tag, `!`, `!name`, `!!str` or `!<verbatim>`. */
export function tagEnd(text: string, start: number): number {
  let i = start + 1;
  if (text[i] === '<') {
    i++;
    while (!isEmpty(text[i]) && text[i] !== '>') i++;
    return text[i] === '>' ? i + 1 : i;
  }
  for (;;) {
    const ch = text[i];
    if (ch !== undefined && tagChars.has(ch)) i++;
    else if (ch === '%' && hexDigits.has(text[i + 1]!) && hexDigits.has(text[i + 2]!)) i += 3;
    else return i;
  }
}

/** An anchor `&name` or alias `*name`. */
export function anchorEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length && !anchorEnds.has(text[i]!)) i++;
  return i;
}
