import { createRequire } from 'node:module';
import { decodePercentEscapes } from '../../platform/percent-decoding.ts';

type ParseHeaderText = (this: unknown, text: string) => Record<string, string | number>;

/** A class whose prototype has drachtio-modesl's `_parseHeaderText` (its `Parser` in production). */
export interface EslParserClass {
  readonly prototype: { _parseHeaderText: ParseHeaderText };
}

/**
 * drachtio-modesl's header parsing, with the values decoded by
 * {@link decodePercentEscapes} instead of `decodeURIComponent`.
 *
 * FreeSWITCH url-encodes header values in replies and plain events, and the
 * values carry what callers control (SIP headers become channel variables).
 * A caller's bytes that are not UTF-8 (a From user of `caller%C3%28`)
 * reached modesl as `%C3(`, its `decodeURIComponent` threw out of the
 * socket's `data` handler, and the connection's parser was left mid-message:
 * an uncaught exception for the process and a stuck connection. Otherwise
 * the same: a line is `key: value`, `Content-Length` becomes a number.
 */
const parseHeaderTextSafely: ParseHeaderText = function parseHeaderTextSafely(text) {
  const headers: Record<string, string | number> = {};
  for (const line of text.split('\n')) {
    const separator = line.indexOf(': ');
    const key = separator === -1 ? line : line.slice(0, separator);
    const value = separator === -1 ? '' : decodePercentEscapes(line.slice(separator + 2));
    headers[key] = key === 'Content-Length' ? parseInt(value, 10) : value;
  }
  return headers;
};

/**
 * Makes every drachtio-modesl connection (fsmrf's inbound API connection and
 * each call's outbound socket) parse event-socket headers without throwing
 * on a stray percent escape. Replaces the method on the parser's prototype;
 * calling it again changes nothing.
 *
 * @example
 * parseEslHeadersSafely(); // once, before fsmrf connects
 */
export function parseEslHeadersSafely(parser: EslParserClass = modeslParser()): void {
  parser.prototype._parseHeaderText = parseHeaderTextSafely;
}

/** drachtio-modesl's `Parser`, resolved from drachtio-fsmrf's own location, as fsmrf loads it. */
export function modeslParser(): EslParserClass {
  const fromHere = createRequire(import.meta.url);
  const fromFsmrf = createRequire(fromHere.resolve('drachtio-fsmrf'));
  return fromFsmrf('drachtio-modesl/lib/esl/Parser.js') as EslParserClass;
}
