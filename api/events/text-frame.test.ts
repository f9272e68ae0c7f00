import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { textFrame } from './text-frame.ts';

// The three length encodings of RFC 6455 and their boundaries.
const sizes = [0, 1, 125, 126, 1000, 65_535, 65_536, 200_000];
const textOf = (size: number) => 'é'.repeat(Math.floor(size / 2)) + 'x'.repeat(size % 2);

let server: Server;
let url: string;

beforeAll(async () => {
  // A real upgrade, then frames written straight to the connection, as the
  // live event server does; a real ws client decodes them.
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  server = createServer();
  server.on('upgrade', (req, socket: Duplex, head) => {
    wss.handleUpgrade(req, socket, head, () => {
      for (const size of sizes) socket.write(textFrame(Buffer.from(textOf(size))));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  url = `ws://127.0.0.1:${address.port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('textFrame', () => {
  it('frames of every length encoding reach a ws client as the same text messages', async () => {
    const client = new WebSocket(url);
    const received: { text: string; binary: boolean }[] = [];
    await new Promise<void>((resolve, reject) => {
      client.on('message', (data: Buffer, binary: boolean) => {
        received.push({ text: data.toString(), binary });
        if (received.length === sizes.length) resolve();
      });
      client.on('error', reject);
    });
    client.terminate();
    expect(received.map((m) => m.text.length)).toEqual(sizes.map((s) => textOf(s).length));
    expect(received).toEqual(sizes.map((size) => ({ text: textOf(size), binary: false })));
  });

  it('uses the shortest header for each length', () => {
    expect(textFrame(Buffer.alloc(125)).length).toBe(127);
    expect(textFrame(Buffer.alloc(126)).length).toBe(130);
    expect(textFrame(Buffer.alloc(65_535)).length).toBe(65_539);
    expect(textFrame(Buffer.alloc(65_536)).length).toBe(65_546);
  });
});
