import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Redis } from 'ioredis';
import { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../../platform/logger.ts';
import type { AccessScopeResolver } from '../access/access-scope-resolver.ts';
import { hasScope, type Principal } from '../access/principal.ts';
import { contactMaskerFor, type ContactMasker } from '../privacy/contact-masking.ts';
import { mayReceive, type Listener } from './event-audience.ts';
import { EventStreamReader } from './event-stream-reader.ts';
import { liveEventFor } from './live-event-privacy.ts';
import {
  compareStreamIds,
  liveTopics,
  streamIdPattern,
  toLiveEvent,
  type LiveEvent,
} from './live-event.ts';
import { textFrame } from './text-frame.ts';

export interface LiveEventServerOptions {
  /** The HTTP server whose upgrades on `path` become event sockets. */
  readonly server: Server;
  /** Default `/api/v1/events`. */
  readonly path?: string;
  readonly authenticate: (headers: IncomingMessage['headers']) => Promise<Principal | null>;
  readonly scopes: AccessScopeResolver;
  /** Dedicated connection for the blocking read; disconnected on close. */
  readonly readRedis: Redis;
  /** Shared commands connection, for catch-up reads (XRANGE). */
  readonly redis: Redis;
  /** The event stream, e.g. routing's `createAcdKeys(prefix).events()`. */
  readonly streamKey: string;
  readonly logger: Logger;
  /** A client this far behind is disconnected; it reconnects with its last id. Default 4 MiB. */
  readonly maxBufferedBytes?: number;
  readonly heartbeatMs?: number;
}

export interface LiveEventServer {
  clientCount(): number;
  close(): Promise<void>;
}

interface Client extends Listener {
  readonly socket: WebSocket;
  /** How this client sees customers' numbers and flow variables. */
  readonly mask: ContactMasker;
  /**
   * The connection under `socket`, for writing prebuilt event frames. Safe
   * beside ws's own writes (the ready message, pings, close): compression is
   * off, so ws writes each frame to this connection at once and in order.
   */
  readonly connection: Duplex;
  lastSentId: string;
  /** Live events that arrived while the client was catching up, replayed after it. */
  pending: LiveEvent[] | undefined;
  alive: boolean;
}

/**
 * `GET /api/v1/events` (WebSocket). Authenticated by the session cookie or a
 * bearer token with the `events` scope. Query: `topics=agent,offer` (default
 * all) and `lastEventId=<stream id>` to resume: the client first receives
 * every event it missed, then live ones, each exactly once and in order.
 *
 * Messages are JSON: `{"kind":"event","id","type","topic","data"}`, and one
 * `{"kind":"ready","lastEventId"}` once caught up.
 */
export async function startLiveEventServer(
  options: LiveEventServerOptions,
): Promise<LiveEventServer> {
  const path = options.path ?? '/api/v1/events';
  const maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const clients = new Set<Client>();
  // Compression stays off (ws's default, spelled out): event frames are
  // written straight to the connection, which is only safe uncompressed.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false });
  const log = options.logger.child({ component: 'live-events' });

  /** `frame` is the event's text frame, built once per event and shared by every client. */
  const send = (client: Client, event: LiveEvent, frame: Buffer) => {
    if (compareStreamIds(event.id, client.lastSentId) <= 0) return;
    client.lastSentId = event.id;
    // Closing or closed: nothing may follow ws's close frame.
    if (client.socket.readyState !== WebSocket.OPEN) return;
    if (client.connection.writableLength > maxBuffered) {
      client.socket.close(1013, 'too far behind; reconnect with lastEventId');
      return;
    }
    client.connection.write(frame);
  };

  const reader = new EventStreamReader({
    redis: options.readRedis,
    streamKey: options.streamKey,
    logger: log,
    onEvents: (events) => {
      for (const event of events) {
        // At most two encodings per event: as is, and masked for clients without personal data.
        let full: Buffer | undefined;
        let masked: Buffer | undefined;
        for (const client of clients) {
          if (!mayReceive(client, event)) continue;
          if (client.pending !== undefined) {
            client.pending.push(event);
            continue;
          }
          const frame = client.mask.full
            ? (full ??= serialise(event))
            : (masked ??= serialise(liveEventFor(event, client.mask)));
          send(client, event, frame);
        }
      }
    },
  });
  await reader.start();

  const refuse = (socket: Duplex, status: number, text: string) => {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) return;
    void (async () => {
      const principal = await options.authenticate(req.headers);
      if (principal === null) return refuse(socket, 401, 'Unauthorized');
      if (!hasScope(principal, 'events')) return refuse(socket, 403, 'Forbidden');
      const topicsParam = url.searchParams.get('topics');
      const topics = new Set(
        topicsParam === null ? liveTopics : topicsParam.split(',').filter((t) => t !== ''),
      );
      const lastEventId = url.searchParams.get('lastEventId');
      if (lastEventId !== null && !streamIdPattern.test(lastEventId)) {
        return refuse(socket, 400, 'Bad Request');
      }
      const scope = await options.scopes.resolve(principal);
      wss.handleUpgrade(req, socket, head, (ws) => {
        const client: Client = {
          socket: ws,
          connection: socket,
          principal,
          scope,
          mask: contactMaskerFor(principal),
          topics,
          lastSentId: lastEventId ?? '0-0',
          pending: lastEventId === null ? undefined : [],
          alive: true,
        };
        clients.add(client);
        ws.on('pong', () => (client.alive = true));
        ws.on('close', () => clients.delete(client));
        ws.on('error', () => clients.delete(client));
        if (lastEventId === null) {
          // Live only: nothing older than now is owed.
          client.lastSentId = '0-0';
          ws.send(JSON.stringify({ kind: 'ready', lastEventId: null }));
          return;
        }
        catchUp(client, lastEventId).catch((error: unknown) => {
          log.warn({ err: error }, 'live event catch-up failed');
          ws.close(1011, 'catch-up failed; reconnect');
        });
      });
    })().catch((error: unknown) => {
      log.error({ err: error }, 'live event upgrade failed');
      refuse(socket, 500, 'Internal Server Error');
    });
  };

  /** Replays missed events with XRANGE pages, then what arrived meanwhile, skipping repeats. */
  const catchUp = async (client: Client, from: string) => {
    let cursor = from;
    for (;;) {
      const page = await options.redis.xrange(options.streamKey, `(${cursor}`, '+', 'COUNT', 1000);
      for (const [id, fields] of page) {
        const event = toLiveEvent(id, fields);
        if (mayReceive(client, event)) send(client, event, serialiseFor(client, event));
        cursor = id;
      }
      if (page.length < 1000) break;
    }
    // Events of a page are skipped by the cursor too, even when filtered out.
    if (compareStreamIds(cursor, client.lastSentId) > 0) client.lastSentId = cursor;
    const pending = client.pending ?? [];
    client.pending = undefined;
    for (const event of pending) send(client, event, serialiseFor(client, event));
    client.socket.send(JSON.stringify({ kind: 'ready', lastEventId: client.lastSentId }));
  };

  const heartbeat = setInterval(() => {
    for (const client of clients) {
      if (!client.alive) {
        client.socket.terminate();
        clients.delete(client);
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }, options.heartbeatMs ?? 30_000);
  heartbeat.unref();

  options.server.on('upgrade', onUpgrade);
  return {
    clientCount: () => clients.size,
    async close() {
      clearInterval(heartbeat);
      options.server.off('upgrade', onUpgrade);
      for (const client of clients) client.socket.close(1001, 'server shutting down');
      clients.clear();
      await reader.stop();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function serialiseFor(client: Client, event: LiveEvent): Buffer {
  return serialise(liveEventFor(event, client.mask));
}

/** The event's JSON as one text frame: encoded once, then written to every socket. */
function serialise(event: LiveEvent): Buffer {
  return textFrame(
    Buffer.from(
      JSON.stringify({
        kind: 'event',
        id: event.id,
        type: event.type,
        topic: event.topic,
        data: event.data,
      }),
    ),
  );
}
