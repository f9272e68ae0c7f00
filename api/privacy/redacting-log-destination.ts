import type { DestinationStream } from 'pino';
import { redactSensitiveJsonLine } from './sensitive-text.ts';

/**
 * A pino destination that removes card and national-id numbers from every
 * line before it is written. Path-based redaction (platform/logger.ts) only
 * knows field names; this catches the numbers wherever they appear, such as
 * inside a logged message body or an error text. Lines stay valid JSON.
 *
 * @example
 * const logger = createLogger({ level: 'info' }, redactingLogDestination(pino.destination(1)));
 */
export function redactingLogDestination(inner: DestinationStream): DestinationStream {
  return {
    write(line: string) {
      // Cheap pre-check: most lines hold no long digit run and skip the regexes.
      inner.write(/\d{3}|[A-Z]{2} ?\d{2}/.test(line) ? redactSensitiveJsonLine(line) : line);
    },
  };
}
