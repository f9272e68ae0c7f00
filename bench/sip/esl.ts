/**
 * The smallest FreeSWITCH event-socket client bench:sip needs: connect,
 * authenticate, run one `api` command, return its body. One connection per
 * command, so nothing stays open between steps.
 */
import { createConnection } from 'node:net';

export interface EslAddress {
  readonly host: string;
  readonly port: number;
  readonly secret: string;
}

interface EslMessage {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Splits the socket's bytes into ESL messages (headers, blank line, optional Content-Length body). */
function eslReader(onMessage: (message: EslMessage) => void): (chunk: Buffer) => void {
  let buffered = Buffer.alloc(0);
  return (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      const end = buffered.indexOf('\n\n');
      if (end < 0) return;
      const headers: Record<string, string> = {};
      for (const line of buffered.subarray(0, end).toString('utf8').split('\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['Content-Length'] ?? 0);
      if (buffered.length < end + 2 + length) return;
      const body = buffered.subarray(end + 2, end + 2 + length).toString('utf8');
      buffered = buffered.subarray(end + 2 + length);
      onMessage({ headers, body });
    }
  };
}

/** Runs `api <command>` on FreeSWITCH and resolves with the response body. */
export function eslApi(address: EslAddress, command: string, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: address.host, port: address.port });
    const timer = setTimeout(() => fail(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
    function fail(error: Error): void {
      clearTimeout(timer);
      socket.destroy();
      reject(
        new Error(`FreeSWITCH event socket ${address.host}:${address.port}: ${error.message}`),
      );
    }
    socket.on('error', fail);
    socket.on(
      'data',
      eslReader((message) => {
        const type = message.headers['Content-Type'];
        if (type === 'auth/request') {
          socket.write(`auth ${address.secret}\n\n`);
        } else if (type === 'command/reply') {
          const reply = message.headers['Reply-Text'] ?? '';
          if (!reply.startsWith('+OK')) return fail(new Error(`authentication refused (${reply})`));
          socket.write(`api ${command}\n\n`);
        } else if (type === 'api/response') {
          clearTimeout(timer);
          socket.end('exit\n\n');
          resolve(message.body);
        } else if (type === 'text/disconnect-notice') {
          fail(new Error('disconnected'));
        }
      }),
    );
  });
}

/** FreeSWITCH's session count (`show channels count`). */
export async function channelCount(address: EslAddress): Promise<number> {
  const body = await eslApi(address, 'show channels count');
  const match = /(\d+)\s+total/.exec(body);
  if (match === null) throw new Error(`unexpected "show channels count" answer: ${body.trim()}`);
  return Number(match[1]);
}
