import type { LiveEventMessage } from './api-types.ts';

export type LiveConnection = 'connecting' | 'open' | 'closed';

export interface LiveEventsOptions {
  readonly topics: readonly string[];
  readonly onEvent: (event: LiveEventMessage) => void;
  /** After every (re)connection is caught up: the moment to re-read state. */
  readonly onReady: () => void;
  readonly onConnection: (connection: LiveConnection) => void;
  /** The socket closed for its credential (4001): the session ended. */
  readonly onCredentialEnded: () => void;
}

/**
 * The API's event socket, reconnecting with backoff (0.5 s doubling to 10 s)
 * and resuming from the last event seen (`lastEventId`), so nothing is missed
 * or shown twice across a server restart.
 */
export class LiveEvents {
  private socket: WebSocket | undefined;
  private lastEventId: string | null = null;
  private retryMs = 500;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly options: LiveEventsOptions) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.close(1000, 'closing');
    this.socket = undefined;
  }

  private connect(): void {
    const url = new URL('/api/v1/events', window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('topics', this.options.topics.join(','));
    if (this.lastEventId !== null) url.searchParams.set('lastEventId', this.lastEventId);
    this.options.onConnection('connecting');
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onmessage = (message) => {
      const parsed = JSON.parse(String(message.data)) as
        LiveEventMessage | { kind: 'ready'; lastEventId: string | null } | { kind: string };
      if (parsed.kind === 'event') {
        const event = parsed as LiveEventMessage;
        this.lastEventId = event.id;
        this.options.onEvent(event);
      } else if (parsed.kind === 'ready') {
        const ready = parsed as { lastEventId: string | null };
        if (ready.lastEventId !== null) this.lastEventId = ready.lastEventId;
        this.retryMs = 500;
        this.failures = 0;
        this.options.onConnection('open');
        this.options.onReady();
      } else if (parsed.kind === 'access-changed') {
        this.options.onReady();
      }
    };
    socket.onclose = (close) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.options.onConnection('closed');
      if (close.code === 4001) {
        this.options.onCredentialEnded();
        return;
      }
      if (this.stopped) return;
      // A cursor the stream no longer holds is refused (400) every time:
      // after two failures start from live events and re-read state instead.
      if (++this.failures >= 2) this.lastEventId = null;
      this.timer = setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 10_000);
    };
  }
}
