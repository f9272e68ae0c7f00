import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modeslParser, parseEslHeadersSafely, type EslParserClass } from './esl-header-parsing.ts';

// A real TCP connection stands in for FreeSWITCH's event socket: the bytes
// it writes are what FreeSWITCH sent for a call from `caller%C3%28`.
let server: ReturnType<typeof createServer>;
const accepted: Socket[] = [];

beforeAll(async () => {
  server = createServer((socket) => accepted.push(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});

afterAll(() => {
  for (const socket of accepted) socket.destroy();
  server.close();
});

interface ParsedEvent {
  getHeader(name: string): string | undefined;
}
type ParserConstructor = new (socket: Socket) => {
  on(event: 'esl::event', listener: (event: ParsedEvent) => void): void;
};

/** A plain event whose header carries bytes that are not UTF-8, then an ordinary reply. */
function eventsWithStrayEscape(): string {
  const body = [
    'Event-Name: CHANNEL_EXECUTE',
    'Caller-Caller-ID-Number: caller%C3(',
    'variable_sip_from_user: %24%7Bsystem(touch%20pwned)%7D',
    'Application: speak',
    '',
    '',
  ].join('\n');
  return (
    `Content-Length: ${Buffer.byteLength(body)}\nContent-Type: text/event-plain\n\n${body}` +
    'Content-Type: command/reply\nReply-Text: +OK accepted\n\n'
  );
}

async function parse(parser: EslParserClass): Promise<ParsedEvent[]> {
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  await once(client, 'connect');
  while (accepted.length === 0) await new Promise((resolve) => setImmediate(resolve));
  const Parser = parser as unknown as ParserConstructor;
  const events: ParsedEvent[] = [];
  new Parser(client).on('esl::event', (event) => events.push(event));
  accepted.shift()?.write(eventsWithStrayEscape());
  await new Promise((resolve) => setTimeout(resolve, 50));
  client.destroy();
  return events;
}

describe('parseEslHeadersSafely', () => {
  const Original = modeslParser();
  /** A subclass of modesl's Parser, so the real prototype stays as it is. */
  const inheriting = (): EslParserClass => {
    const Base = Original as unknown as (this: unknown, socket: Socket) => void;
    function Inheriting(this: unknown, socket: Socket) {
      Base.call(this, socket);
    }
    Inheriting.prototype = Object.create(Original.prototype) as EslParserClass['prototype'];
    return Inheriting;
  };

  it("drachtio-modesl's own parser throws URIError on a caller's stray escape", () => {
    expect(() =>
      Original.prototype._parseHeaderText.call({}, 'Caller-Caller-ID-Number: caller%C3('),
    ).toThrow(URIError);
  });

  it('parses the event with the stray bytes kept escaped, and the next message after it', async () => {
    const safe = inheriting();
    parseEslHeadersSafely(safe);
    const [event, reply] = await parse(safe);
    expect(event?.getHeader('Caller-Caller-ID-Number')).toBe('caller%C3(');
    expect(event?.getHeader('variable_sip_from_user')).toBe('${system(touch pwned)}');
    expect(event?.getHeader('Application')).toBe('speak');
    expect(reply?.getHeader('Reply-Text')).toBe('+OK accepted');
  });

  it('reads ordinary headers as drachtio-modesl does', () => {
    const safe = inheriting();
    parseEslHeadersSafely(safe);
    const text = 'Content-Length: 42\nReply-Text: +OK a: b%20c\nEmpty';
    expect(safe.prototype._parseHeaderText.call({}, text)).toEqual(
      Original.prototype._parseHeaderText.call({}, text),
    );
  });
});
