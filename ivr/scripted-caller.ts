import { SwitchboardError } from '../platform/switchboard-error.ts';

/**
 * What a simulated caller does. Admins script it on the command line
 * (`--keys "1,2" --hangup-after 40`); tests script it directly.
 *
 * @example
 * const caller: ScriptedCaller = { answers: ['2', '', '1'], hangupAtMs: 90_000 };
 */
export interface ScriptedCaller {
  /**
   * Keys typed each time the flow waits for digits, in order. `''` stays
   * silent (a no-input), `'4412#'` types several keys. When the list runs out
   * the caller stays silent.
   */
  readonly answers?: readonly string[];
  /** Keys pressed at fixed times from the start of the call, whatever is playing. */
  readonly timedKeys?: readonly { readonly atMs: number; readonly keys: string }[];
  /** The caller hangs up at this time from the start of the call. */
  readonly hangupAtMs?: number;
  /** How long the caller talks when recorded (voicemail); silence follows. */
  readonly speechMs?: number;
  /** Pause between the flow starting to wait and the first key; default 1 s. */
  readonly firstKeyDelayMs?: number;
  /** Pause between keys of one answer; default 300 ms. */
  readonly interKeyDelayMs?: number;
}

const validKeys = /^[0-9*#]*$/;

/**
 * Parses `--keys "1,2,,4412#"` into answers. Spaces around items are ignored;
 * `-` is accepted as an explicit silent answer.
 */
export function parseKeysOption(value: string): string[] {
  if (value.trim() === '') return [];
  return value.split(',').map((raw, index) => {
    const item = raw.trim();
    const keys = item === '-' ? '' : item;
    if (!validKeys.test(keys)) {
      throw new SwitchboardError(
        'validation_failed',
        `--keys item ${index + 1} "${item}" may only contain 0-9, * and # (or be empty for silence)`,
      );
    }
    return keys;
  });
}
