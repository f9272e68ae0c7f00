/**
 * A real `ws` client of the live event server for tests: collects every
 * message, waits for the ones a test expects, and reports how the server
 * closed the socket (code and reason). Nothing is mocked.
 */
import { WebSocket } from 'ws';

export interface LiveMessage {
  readonly kind: string;
  readonly role?: string;
  readonly id?: string;
  readonly type?: string;
  readonly data?: Record<string, string>;
}

export interface LiveClient {
  readonly socket: WebSocket;
  /** Messages after `ready` (events, access changes), in arrival order. */
  readonly events: LiveMessage[];
  /** Every text frame exactly as received. */
  readonly frames: string[];
  /** Settles when the socket closes, with the server's close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the first message (already received or still to come) matching `test`. */
  waitFor(test: (message: LiveMessage) => boolean): Promise<LiveMessage>;
  close(): Promise<void>;
}

/**
 * Opens `/api/v1/events` (or `path`) on `baseUrl` with `headers` (cookie or
 * bearer) and resolves once the server says it is ready.
 */
export async function connectLiveClient(
  baseUrl: string,
  headers: Record<string, string>,
  query = '',
  path = '/api/v1/events',
): Promise<LiveClient> {
  const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}${path}${query}`, { headers });
  const events: LiveMessage[] = [];
  const frames: string[] = [];
  const waiters: (() => void)[] = [];
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  socket.on('message', (raw: Buffer) => {
    const text = raw.toString();
    frames.push(text);
    const message = JSON.parse(text) as LiveMessage;
    if (message.kind === 'ready') ready();
    else events.push(message);
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.once('close', (code: number, reason: Buffer) =>
      resolve({ code, reason: reason.toString() }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  await isReady;
  return {
    socket,
    events,
    frames,
    closed,
    async waitFor(test) {
      for (;;) {
        const found = events.find(test);
        if (found !== undefined) return found;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    async close() {
      if (socket.readyState === WebSocket.CLOSED) return;
      socket.close();
      await closed;
    },
  };
}

/** `promise`, or a rejection naming `what` after `ms`: a bound on a wait, never a sleep. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
