import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  modeslConnection,
  wireSafe,
  sendEslCommandsWhole,
  type EslConnectionClass,
  type EslConnectionLike,
} from './esl-command-writes.ts';

// A real TCP server stands in for FreeSWITCH's event socket: what matters is
// the bytes that reach it and how many writes the sender made.
let server: Server;
/** Per client port: everything the server read, once the client has ended. */
const received = new Map<number, Promise<Buffer>>();

beforeAll(async () => {
  server = createServer((socket) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The client's own port tells the tests apart.
    received.set(
      socket.remotePort as number,
      once(socket, 'end').then(() => Buffer.concat(chunks)),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});

afterAll(() => {
  server.close();
});

/** A connected socket whose writes are counted, as modesl's `this.socket`. */
async function countedSocket(): Promise<{
  socket: EslConnectionLike['socket'];
  writes: () => number;
  bytes(): Promise<string>;
}> {
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  await once(socket, 'connect');
  const port = socket.localPort as number;
  // The server accepts in its own turn of the event loop.
  while (!received.has(port)) await new Promise((resolve) => setImmediate(resolve));
  let writes = 0;
  const counted = {
    write(text: string): boolean {
      writes += 1;
      return socket.write(text);
    },
  };
  return {
    socket: counted,
    writes: () => writes,
    async bytes() {
      socket.end();
      const read = received.get(port);
      if (read === undefined) throw new Error(`the server saw no client on port ${port}`);
      return (await read).toString();
    },
  };
}

function connectionOn(
  socket: EslConnectionLike['socket'],
  errors: unknown[] = [],
): EslConnectionLike {
  return {
    socket,
    emit: (_event, error) => errors.push(error),
  };
}

const command = 'sendmsg 2f6a7c1e-0000-4000-8000-000000000001';
const args = {
  'call-command': 'execute',
  'execute-app-name': 'playback',
  'execute-app-arg': '/usr/share/switchboard/prompts/en/welcome.wav',
  'event-lock': true,
  'Event-UUID': '9b1de8a4-0000-4000-8000-000000000002',
};

describe('sendEslCommandsWhole', () => {
  const Original = modeslConnection();
  /** A class-like object inheriting modesl's `send`, so the real prototype stays as it is. */
  const inheriting = (): EslConnectionClass => ({
    prototype: Object.create(Original.prototype) as EslConnectionClass['prototype'],
  });

  it('sends the same bytes as drachtio-modesl, in one write instead of one per line', async () => {
    const whole = inheriting();
    sendEslCommandsWhole(whole);
    const before = await countedSocket();
    Original.prototype.send.call(connectionOn(before.socket), command, args);
    const after = await countedSocket();
    whole.prototype.send.call(connectionOn(after.socket), command, args);

    expect(before.writes()).toBe(2 + Object.keys(args).length);
    expect(after.writes()).toBe(1);
    const [sent, original] = [await after.bytes(), await before.bytes()];
    expect(sent).toBe(original);
    expect(sent).toContain('execute-app-arg: /usr/share/switchboard/prompts/en/welcome.wav\n');
    expect(sent.endsWith('\n\n')).toBe(true);
  });

  it('sends a command without headers as the command and a blank line', async () => {
    const whole = inheriting();
    sendEslCommandsWhole(whole);
    const socket = await countedSocket();
    whole.prototype.send.call(connectionOn(socket.socket), 'api status');
    expect(socket.writes()).toBe(1);
    expect(await socket.bytes()).toBe('api status\n\n');
  });

  it('emits a failed write as an error, as modesl does, instead of throwing', () => {
    const whole = inheriting();
    sendEslCommandsWhole(whole);
    const errors: unknown[] = [];
    const broken = {
      write: () => {
        throw new Error('This socket has been ended by the other party');
      },
    };
    expect(() =>
      whole.prototype.send.call(connectionOn(broken, errors), command, args),
    ).not.toThrow();
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('ended by the other party');
  });

  it('replaces the method once: a second call keeps the first replacement', () => {
    const whole = inheriting();
    sendEslCommandsWhole(whole);
    const first = whole.prototype.send;
    sendEslCommandsWhole(whole);
    expect(whole.prototype.send).toBe(first);
    expect(first).not.toBe(Original.prototype.send);
  });
});

describe('wireSafe, the second wall against expansion and header injection', () => {
  const Original = modeslConnection();

  it('defangs FreeSWITCH expansions and line breaks in every line a command sends', async () => {
    const whole = {
      prototype: Object.create(Original.prototype) as EslConnectionClass['prototype'],
    };
    sendEslCommandsWhole(whole);
    const socket = await countedSocket();
    whole.prototype.send.call(connectionOn(socket.socket), command, {
      ...args,
      'execute-app-name': 'speak',
      'execute-app-arg':
        'flite|kal|Hi ${system(touch pwned)} $${esl_password} $$$${x}\nexecute-app-name: system',
    });
    const sent = await socket.bytes();
    expect(sent).not.toMatch(/\$\{/);
    expect(sent).toContain(
      'execute-app-arg: flite|kal|Hi  {system(touch pwned)}  {esl_password}  {x} execute-app-name: system\n',
    );
    // The injected header stayed inside the argument: one execute-app-name, the real one.
    expect(sent.match(/^execute-app-name: /gm)).toEqual(['execute-app-name: ']);
  });

  it('leaves ordinary commands byte for byte as they were', () => {
    for (const line of [
      'api uuid_break 2f6a7c1e-0000-4000-8000-000000000001',
      'playback_terminators=none',
      'It costs $5 {not an expansion}',
      '/usr/share/switchboard/prompts/en/queue/you-are-number.wav',
    ]) {
      expect(wireSafe(line)).toBe(line);
    }
  });
});
