import { LineCounter, parseDocument } from 'yaml';
import type { FlowProblem } from './flow-problem.ts';

/** A path into the parsed document: keys and array indexes. */
export type DocumentPath = readonly (string | number)[];

export interface ParsedFlowSource {
  readonly data: unknown;
  /** Line and column (1-based) where the value at `path` starts, when it exists. */
  locate(path: DocumentPath): { line: number; column: number } | undefined;
}

/**
 * Parses a flow file's text as JSON (`.json`) or YAML (anything else). JSON
 * is parsed strictly first so authors get JSON's rules; both then go through
 * the YAML parser, which keeps source positions for every node and rejects
 * duplicate keys that `JSON.parse` would silently drop.
 */
export function parseFlowSource(text: string, file: string): ParsedFlowSource | FlowProblem {
  const unparsable = (message: string, line?: number, column?: number): FlowProblem => ({
    file,
    statePath: '(file)',
    message: `cannot parse: ${message}`,
    line,
    column,
  });
  if (file.endsWith('.json')) {
    try {
      JSON.parse(text);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const position = /at position (\d+)/.exec(message);
      const where = position === null ? undefined : lineAndColumn(text, Number(position[1]));
      return unparsable(
        message.replace(/ in JSON at position \d+.*$/, ''),
        where?.line,
        where?.column,
      );
    }
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const [error] = document.errors;
  if (error !== undefined) {
    const where = lineCounter.linePos(error.pos[0]);
    return unparsable(error.message.split('\n')[0] ?? error.message, where.line, where.col);
  }
  return {
    data: document.toJS() as unknown,
    locate: (path) => {
      const node: unknown = document.getIn(path, true);
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range === undefined) return path.length > 0 ? undefined : { line: 1, column: 1 };
      const where = lineCounter.linePos(range[0]);
      return { line: where.line, column: where.col };
    },
  };
}

export function isProblem(value: ParsedFlowSource | FlowProblem): value is FlowProblem {
  return 'message' in value;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}
