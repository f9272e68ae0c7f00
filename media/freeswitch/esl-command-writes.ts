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

/** modesl's `send`, as one write: the command, its headers, a blank line. */
const sendWhole: EslSend = function sendWhole(command, args) {
  let text = `${command}\n`;
  if (args) {
    for (const key of Object.keys(args)) text += `${key}: ${String(args[key])}\n`;
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
 * the same order, once; an error thrown by the write is emitted as `error`,
 * as modesl does.
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
