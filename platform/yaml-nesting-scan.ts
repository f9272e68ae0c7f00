import {
  anchorEnd,
  blockScalarEnd,
  blockScalarHeader,
  isEmpty,
  isFlowIndicator,
  plainScalarEnd,
  quotedScalarEnd,
  tagEnd,
} from './yaml-token-extent.ts';

/** Limits on how YAML text may nest, checked before any YAML parser sees it. */
export interface YamlNestingLimits {
  /** Flow collections (`[` and `{`) open at once. */
  readonly maxFlowDepth: number;
  /** Column where a line's content starts, after its indentation and block indicators. */
  readonly maxIndent: number;
}

/** Where YAML text first goes past a limit, and which one. Lines and columns are 1-based. */
export type YamlNestingBreach =
  | {
      /** `flow`: a flow collection opened past `maxFlowDepth`; `indent`: content starts past `maxIndent`. */
      readonly kind: 'flow' | 'indent';
      readonly limit: number;
      readonly line: number;
      readonly column: number;
    }
  | {
      /**
       * Structure YAML forbids and the `yaml` parser recovers from by nesting,
       * without bound: a second `: ` (or `- `, `? `) after a key on one line,
       * or text after a block scalar header. Also a scan that stopped
       * advancing (never expected; refused rather than trusted).
       */
      readonly kind: 'invalid';
      /** What is wrong, e.g. `a second ": " after a key on one line`. */
      readonly reason: string;
      readonly line: number;
      readonly column: number;
    };

type State = 'stream' | 'line-start' | 'block-start' | 'doc' | 'flow';

/** The `yaml` Lexer's state machine, keeping only what decides nesting. */
export class YamlNestingScan {
  private pos = 0;
  private flowLevel = 0;
  private flowKey = false;
  private indentNext = 0;
  private indentValue = 0;
  /** Block indicators after content on the current line. */
  private indicatorsAfterContent = 0;
  private lineNumber = 1;
  private lineStart = 0;
  private breach: YamlNestingBreach | undefined;

  constructor(
    private readonly text: string,
    private readonly limits: YamlNestingLimits,
  ) {}

  run(): YamlNestingBreach | undefined {
    let state: State = 'stream';
    // Every step consumes input or changes state; a few steps per character
    // is generous. Past that the scan is refused rather than trusted.
    let budget = 8 * this.text.length + 16;
    while (this.pos < this.text.length && this.breach === undefined) {
      if (--budget < 0) {
        this.refuse('the text could not be measured', this.pos);
        break;
      }
      state = this.step(state);
    }
    return this.breach;
  }

  private step(state: State): State {
    switch (state) {
      case 'stream':
        return this.stream();
      case 'line-start':
        return this.lineStartState();
      case 'block-start':
        return this.blockStart();
      case 'doc':
        return this.document();
      case 'flow':
        return this.flowCollection();
    }
  }

  private stream(): State {
    if (this.text[this.pos] === '\uFEFF') this.pos++;
    const end = this.lineEnd();
    let i = this.pos;
    while (this.text[i] === ' ' || this.text[i] === '\t') i++;
    const first = this.text[this.pos];
    // Directive lines, blank lines and comments before a document.
    if (first === '%' || i === end || this.text[i] === '#') {
      this.pos = end;
      this.newline();
      return 'stream';
    }
    return 'line-start';
  }

  private lineStartState(): State {
    this.indicatorsAfterContent = 0;
    const marker = this.text.substr(this.pos, 3);
    if ((marker === '---' || marker === '...') && isEmpty(this.text[this.pos + 3])) {
      this.pos += 3;
      this.indentValue = 0;
      this.indentNext = 0;
      return marker === '---' ? 'doc' : 'stream';
    }
    this.indentValue = this.spaces(false);
    if (this.indentNext > this.indentValue && !isEmpty(this.text[this.pos + 1])) {
      this.indentNext = this.indentValue;
    }
    return 'block-start';
  }

  private blockStart(): State {
    const ch0 = this.text[this.pos];
    if ((ch0 === '-' || ch0 === '?' || ch0 === ':') && isEmpty(this.text[this.pos + 1])) {
      this.pos++;
      const n = 1 + this.spaces(true);
      this.indentNext = this.indentValue + 1;
      this.indentValue += n;
      // Each indicator may open a collection, content or not (`- - -`).
      if (this.indentValue > this.limits.maxIndent) {
        this.exceed('indent', this.limits.maxIndent, this.pos - n);
      }
      return 'block-start';
    }
    const first = this.text[this.pos];
    const blank = first === undefined || first === '\n' || first === '\r' || first === '#';
    if (!blank && this.indentValue > this.limits.maxIndent) {
      this.exceed('indent', this.limits.maxIndent, this.pos);
    }
    return 'doc';
  }

  private document(): State {
    this.spaces(true);
    this.indicators();
    const ch = this.text[this.pos];
    switch (ch) {
      case '#':
        this.pos = this.lineEnd();
        return this.endOfLine();
      case undefined:
      case '\n':
      case '\r':
        return this.endOfLine();
      case '{':
      case '[':
        this.pos++;
        this.flowKey = false;
        this.flowLevel = 1;
        this.checkFlowDepth();
        return 'flow';
      case '}':
      case ']':
        this.pos++;
        return 'doc';
      case '*':
        this.skipAnchor();
        return 'doc';
      case '"':
      case "'":
        this.quotedScalar();
        return 'doc';
      case '|':
      case '>':
        return this.blockScalar();
      default:
        this.plainScalar();
        return 'doc';
    }
  }

  /** At a line end in block context: a `\r` not before `\n` is content, as for the Lexer. */
  private endOfLine(): State {
    if (this.text[this.pos] === '\r' && this.text[this.pos + 1] !== '\n') {
      this.plainScalar();
      return 'doc';
    }
    this.newline();
    return 'line-start';
  }

  private flowCollection(): State {
    let indent = -1;
    for (;;) {
      const nl = this.newline();
      let sp = 0;
      if (nl > 0) sp = indent = this.indentValue = this.spaces(false);
      sp += this.spaces(true);
      if (nl + sp === 0) break;
    }
    const ch = this.text[this.pos];
    const marker = this.text.substr(this.pos, 3);
    if (
      (indent !== -1 && indent < this.indentNext && ch !== '#') ||
      (indent === 0 && (marker === '---' || marker === '...') && isEmpty(this.text[this.pos + 3]))
    ) {
      // The Lexer tolerates a closing bracket one column left of the collection.
      const atFlowEnd =
        indent === this.indentNext - 1 && this.flowLevel === 1 && (ch === ']' || ch === '}');
      if (!atFlowEnd) {
        this.flowLevel = 0;
        return 'line-start';
      }
    }
    while (this.text[this.pos] === ',') {
      this.pos++;
      this.spaces(true);
      this.flowKey = false;
    }
    this.indicators();
    return this.flowToken();
  }

  private flowToken(): State {
    const ch = this.text[this.pos];
    switch (ch) {
      case undefined:
      case '\n':
        return 'flow';
      case '#':
        this.pos = this.lineEnd();
        return 'flow';
      case '{':
      case '[':
        this.pos++;
        this.flowKey = false;
        this.flowLevel++;
        this.checkFlowDepth();
        return 'flow';
      case '}':
      case ']':
        this.pos++;
        this.flowKey = true;
        this.flowLevel--;
        return this.flowLevel > 0 ? 'flow' : 'doc';
      case '*':
        this.skipAnchor();
        return 'flow';
      case '"':
      case "'":
        this.flowKey = true;
        this.quotedScalar();
        return this.flowLevel > 0 ? 'flow' : 'doc';
      default: {
        const next = this.text[this.pos + 1];
        if (ch === '\r' && next === '\n') return 'flow';
        if (ch === ':' && (this.flowKey || isEmpty(next) || next === ',')) {
          this.flowKey = false;
          this.pos++;
          this.spaces(true);
          return 'flow';
        }
        this.flowKey = false;
        this.plainScalar();
        return 'flow';
      }
    }
  }

  /** Tags, anchors and the `-`, `?`, `:` indicators before a node. */
  private indicators(): void {
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === '!') this.skipTag();
      else if (ch === '&') this.skipAnchor();
      else if (ch === '-' || ch === '?' || ch === ':') {
        const inFlow = this.flowLevel > 0;
        const next = this.text[this.pos + 1];
        if (!(isEmpty(next) || (inFlow && isFlowIndicator(next)))) return;
        if (!inFlow) {
          this.indentNext = this.indentValue + 1;
          // The first is the key's `: `; a second nests a mapping in a value.
          if (++this.indicatorsAfterContent > 1) {
            this.refuse(`a second "${ch} " after a key on one line`, this.pos);
          }
        } else if (ch === '-') {
          // The parser opens a block sequence inside the flow collection.
          this.refuse('a "- " inside a flow collection ([ or {)', this.pos);
        } else this.flowKey = false;
        this.pos++;
      } else return;
      this.spaces(true);
    }
  }

  private quotedScalar(): void {
    this.advanceTo(quotedScalarEnd(this.text, this.pos, this.indentNext));
  }

  private plainScalar(): void {
    this.advanceTo(plainScalarEnd(this.text, this.pos, this.flowLevel > 0, this.indentNext));
  }

  /** A block scalar: its header, then its lines, skipped as the Lexer would. */
  private blockScalar(): State {
    const header = blockScalarHeader(this.text, this.pos);
    this.pos = header.end;
    this.spaces(true);
    // The Lexer hands the rest of the header line on as one token; when that
    // is a bracket the parser opens a collection the Lexer never closes. Only
    // a comment may follow a header.
    if (this.pos < this.lineEnd() && this.text[this.pos] !== '#') {
      this.refuse('text after a block scalar header (| or >)', this.pos);
      return 'doc';
    }
    this.pos = this.lineEnd();
    this.newline();
    const body = blockScalarEnd(this.text, this.pos, this.indentNext, header);
    this.indentNext = body.indentNext;
    this.advanceTo(body.end);
    return 'line-start';
  }

  private skipTag(): void {
    this.pos = tagEnd(this.text, this.pos);
  }

  private skipAnchor(): void {
    this.pos = anchorEnd(this.text, this.pos);
  }

  private checkFlowDepth(): void {
    if (this.flowLevel > this.limits.maxFlowDepth) {
      this.exceed('flow', this.limits.maxFlowDepth, this.pos - 1);
    }
  }

  /** Spaces (and tabs when allowed) at the position; returns how many. */
  private spaces(allowTabs: boolean): number {
    const start = this.pos;
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === ' ' || (allowTabs && ch === '\t')) this.pos++;
      else return this.pos - start;
    }
  }

  /** Consumes one line break (`\n` or `\r\n`); returns its length. */
  private newline(): number {
    const { text } = this;
    const n =
      text[this.pos] === '\n' ? 1 : text[this.pos] === '\r' && text[this.pos + 1] === '\n' ? 2 : 0;
    this.advanceTo(this.pos + n);
    return n;
  }

  /** The end of the current line, before `\r\n` or `\n`. */
  private lineEnd(): number {
    const nl = this.text.indexOf('\n', this.pos);
    if (nl === -1) return this.text.length;
    return this.text[nl - 1] === '\r' && nl - 1 >= this.pos ? nl - 1 : nl;
  }

  /** Moves forward, keeping count of the lines passed for error positions. */
  private advanceTo(target: number): void {
    const end = Math.min(target, this.text.length);
    for (let i = this.pos; i < end; i++) {
      if (this.text.charCodeAt(i) === 0x0a) {
        this.lineNumber++;
        this.lineStart = i + 1;
      }
    }
    this.pos = Math.max(this.pos, end);
  }

  private exceed(kind: 'flow' | 'indent', limit: number, at: number): void {
    this.advanceTo(at);
    this.breach = { kind, limit, line: this.lineNumber, column: at - this.lineStart + 1 };
  }

  private refuse(reason: string, at: number): void {
    this.advanceTo(at);
    this.breach = {
      kind: 'invalid',
      reason,
      line: this.lineNumber,
      column: at - this.lineStart + 1,
    };
  }
}
