import { LineCounter, parseDocument } from 'yaml';
import {
  checkJsonText,
  checkParsedDepth,
  checkYamlText,
  maxFlowSourceBytes,
  type DocumentRefusal,
} from '../platform/document-limits.ts';
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
 *
 * Size and nesting are bounded before either parser runs (platform/document-limits.ts):
 * a file over the size limit, or nested past the depth limit, is one problem
 * at the place it went too deep.
 */
export function parseFlowSource(text: string, file: string): ParsedFlowSource | FlowProblem {
  const unparsable = (message: string, line?: number, column?: number): FlowProblem => ({
    file,
    statePath: '(file)',
    message: `cannot parse: ${message}`,
    line,
    column,
  });
  const isJson = file.endsWith('.json');
  const refused = isJson
    ? checkJsonText(text, 'the flow', maxFlowSourceBytes)
    : checkYamlText(text, 'the flow', maxFlowSourceBytes);
  if (refused !== undefined) return refusedProblem(file, refused);
  if (isJson) {
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
  let data: unknown;
  try {
    data = document.toJS();
  } catch (error) {
    // An alias to no anchor, or aliases expanding past the yaml package's limit.
    return unparsable(error instanceof Error ? error.message : String(error));
  }
  // YAML aliases add depth the text does not show.
  const tooDeep = checkParsedDepth(data, 'the flow');
  if (tooDeep !== undefined) return refusedProblem(file, tooDeep);
  return {
    data,
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

/** e.g. `flows/x.json:3:7: (file): the flow is nested more than 64 levels deep; at most 64 are accepted` */
function refusedProblem(file: string, refused: DocumentRefusal): FlowProblem {
  return {
    file,
    statePath: '(file)',
    message: refused.message,
    line: refused.line,
    column: refused.column,
  };
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}
