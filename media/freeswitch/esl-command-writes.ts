import { createRequire } from 'node:module';

/** The part of drachtio-modesl's `Connection` whose `send` this replaces. */
export interface EslConnectionLike {
  readonly socket: { write(text: string): unknown };
  emit(event: 'error', error: unknown): unknown;
}

type EslSend = (
  this: EslConnectionLike,
  command: string,
  args?: Readonly<Record<string, unknown>>,
) => void;

/** A class whose prototype has modesl's `send` (modesl's `Connection` itself in production). */
export interface EslConnectionClass {
  readonly prototype: { send: EslSend };
}

/**
 * One line of an event-socket command, made unable to do more than it says.
 * A line break (or NUL) in a value would end the header and let the rest
 * inject headers of its own (`execute-app-name: system`), so each becomes a
 * space. `$` before `{` is FreeSWITCH's variable and API expansion
 * (`${system(...)}`, `$${global}`), which FreeSWITCH applies to application
 * arguments; no command Switchboard sends needs it, so such a `$` becomes a
 * space too. Text for callers is already made safe where it is built
 * (`speakableText`); this is the second wall, at the one place every command
 * leaves the process.
 */
export function wireSafe(value: string): string {
  return value.replace(/[\r\n\0]/g, ' ').replace(/\$+(?=\{)/g, ' ');
}

/** modesl's `send`, as one write: the command, its headers, a blank line. */
const sendWhole: EslSend = function sendWhole(command, args) {
  let text = `${wireSafe(command)}\n`;
  if (args) {
    for (const key of Object.keys(args)) text += `${key}: ${wireSafe(String(args[key]))}\n`;
  }
  text += '\n';
  try {
    this.socket.write(text);
  } catch (error) {
    this.emit('error', error);
  }
};

/**
 * Makes drachtio-modesl send each event-socket command in one socket write.
 *
 * modesl's `Connection#send` writes a command one line at a time: fsmrf's
 * `sendmsg` for an `execute` (playback, set, hangup ...) is seven
 * `socket.write` calls, each a system call of its own, and every call takes
 * several of them. Profiled at 30-50 calls/s (bench:sip, `PROFILE_DIR`),
 * event-socket writes were 8-13% of Switchboard's busy CPU time; on loopback
 * a command written whole costs about a third of the CPU of one written line
 * by line (10-14 against 36-38 µs). The replacement writes the same bytes in
 * the same order, once, except that each line passes through {@link wireSafe};
 * an error thrown by the write is emitted as `error`, as modesl does.
 *
 * Replaces the method on the class's prototype, so it applies to every
 * connection fsmrf opens (its inbound API connection and each call's
 * outbound socket); calling it again changes nothing.
 *
 * @example
 * sendEslCommandsWhole(); // once, before fsmrf connects
 */
export function sendEslCommandsWhole(connection: EslConnectionClass = modeslConnection()): void {
  connection.prototype.send = sendWhole;
}

/**
 * drachtio-modesl's `Connection`, resolved from drachtio-fsmrf's own location:
 * the module instance fsmrf uses, wherever npm placed it.
 */
export function modeslConnection(): EslConnectionClass {
  const fromHere = createRequire(import.meta.url);
  const fromFsmrf = createRequire(fromHere.resolve('drachtio-fsmrf'));
  return (fromFsmrf('drachtio-modesl') as { Connection: EslConnectionClass }).Connection;
}
