import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Redis } from 'ioredis';
import { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../../platform/logger.ts';
import type { AccessScopeResolver } from '../access/access-scope-resolver.ts';
import { hasScope, type Principal } from '../access/principal.ts';
import { credentialChangeOf, credentialChangedType } from '../auth/credential-notices.ts';
import { crossSiteRefusal, foreignOrigin, requestHost } from '../auth/cross-site-check.ts';
import { requestCredentials } from '../auth/request-credentials.ts';
import { contactMaskerFor } from '../privacy/contact-masking.ts';
import { CredentialRecheck } from './credential-recheck.ts';
import { mayReceive } from './event-audience.ts';
import { EventStreamReader } from './event-stream-reader.ts';
import { compareStreamIds, toLiveEvent, type LiveEvent } from './live-event.ts';
import { liveEventFor } from './live-event-privacy.ts';
import type { LiveSubscriber } from './live-subscriber.ts';
import { textFrame } from './text-frame.ts';
import { parseUpgradeQuery } from './upgrade-query.ts';

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
  /**
   * How often every socket's credentials are checked again (default 30 s),
   * besides at once on a credential notice: ends sockets whose session
   * expired, and any a missed notice would have left open.
   */
  readonly credentialRecheckMs?: number;
  /** See {@link CredentialRecheck}; default 5 s. */
  readonly recheckAgainMs?: number;
}

export interface LiveEventServer {
  clientCount(): number;
  close(): Promise<void>;
}

/** A live event's two possible encodings, each built at most once per event. */
interface Frames {
  full?: Buffer;
  masked?: Buffer;
}

/**
 * `GET /api/v1/events` (WebSocket). Authenticated by the session cookie or a
 * bearer token with the `events` scope. Query: `topics=agent,offer` (default
 * all) and `lastEventId=<stream id>` to resume: the client first receives
 * every event it missed, then live ones, each exactly once and in order.
 *
 * Messages are JSON: `{"kind":"event","id","type","topic","data"}`, one
 * `{"kind":"ready","lastEventId"}` once caught up, and
 * `{"kind":"access-changed","role"}` when the user's access changed. A
 * socket whose credential ends (log-out, revoked token, disabled user,
 * expired session) is closed with 4001 (see {@link CredentialRecheck}).
 */
export async function startLiveEventServer(
  options: LiveEventServerOptions,
): Promise<LiveEventServer> {
  const path = options.path ?? '/api/v1/events';
  const maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const subscribers = new Set<LiveSubscriber>();
  // Compression stays off (ws's default, spelled out): event frames are
  // written straight to the connection, which is only safe uncompressed.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false });
  const log = options.logger.child({ component: 'live-events' });

  /** `frame` is the event's text frame, built once per event and shared by every subscriber. */
  const send = (subscriber: LiveSubscriber, event: LiveEvent, frame: Buffer) => {
    if (compareStreamIds(event.id, subscriber.lastSentId) <= 0) return;
    subscriber.lastSentId = event.id;
    // Closing or closed: nothing may follow ws's close frame.
    if (subscriber.socket.readyState !== WebSocket.OPEN) return;
    if (subscriber.connection.writableLength > maxBuffered) {
      subscriber.socket.close(1013, 'too far behind; reconnect with lastEventId');
      return;
    }
    subscriber.connection.write(frame);
  };

  /** One live event to one subscriber: held, filtered, queued behind a catch-up, or sent. */
  const deliver = (subscriber: LiveSubscriber, event: LiveEvent, frames: Frames = {}) => {
    if (subscriber.held !== undefined) {
      subscriber.held.push(event);
      return;
    }
    if (!mayReceive(subscriber, event)) return;
    if (subscriber.pending !== undefined) {
      subscriber.pending.push(event);
      return;
    }
    const frame = subscriber.mask.full
      ? (frames.full ??= serialise(event))
      : (frames.masked ??= serialise(liveEventFor(event, subscriber.mask)));
    send(subscriber, event, frame);
  };

  const recheck = new CredentialRecheck({
    authenticate: options.authenticate,
    scopes: options.scopes,
    logger: log,
    ...(options.recheckAgainMs === undefined ? {} : { recheckAgainMs: options.recheckAgainMs }),
    release: (subscriber) => {
      const held = subscriber.held ?? [];
      subscriber.held = undefined;
      for (const event of held) deliver(subscriber, event);
    },
  });

  const reader = new EventStreamReader({
    redis: options.readRedis,
    streamKey: options.streamKey,
    logger: log,
    onEvents: (events) => {
      for (const event of events) {
        if (event.type === credentialChangedType) {
          const change = credentialChangeOf(event);
          if (change !== undefined) recheck.onChange(change, subscribers);
          continue;
        }
        const frames: Frames = {};
        for (const subscriber of subscribers) deliver(subscriber, event, frames);
      }
    },
  });
  await reader.start();

  const refuse = (
    socket: Duplex,
    status: number,
    text: string,
    message?: string,
    code = 'validation_failed',
  ) => {
    const body = message === undefined ? '' : JSON.stringify({ error: { code, message } });
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) return;
    void (async () => {
      const principal = await options.authenticate(req.headers);
      if (principal === null) return refuse(socket, 401, 'Unauthorized');
      if (!hasScope(principal, 'events')) return refuse(socket, 403, 'Forbidden');
      // A page elsewhere may open a socket with the agent's cookie (browsers send
      // it on WebSocket upgrades): only this server's pages may.
      const origin =
        requestCredentials(req.headers).sessionToken === undefined
          ? undefined
          : foreignOrigin(req.headers, requestHost(req));
      if (origin !== undefined) {
        log.info({ origin: origin.slice(0, 200) }, 'cross-site event socket refused');
        return refuse(socket, 403, 'Forbidden', crossSiteRefusal(origin).message, 'forbidden');
      }
      const query = parseUpgradeQuery(url.searchParams);
      if ('field' in query) {
        return refuse(socket, 400, 'Bad Request', `${query.field}: ${query.message}`);
      }
      const scope = await options.scopes.resolve(principal);
      wss.handleUpgrade(req, socket, head, (ws) => {
        const { lastEventId } = query;
        const subscriber: LiveSubscriber = {
          socket: ws,
          connection: socket,
          credentials: { cookie: req.headers.cookie, authorization: req.headers.authorization },
          principal,
          scope,
          mask: contactMaskerFor(principal),
          topics: query.topics,
          lastSentId: lastEventId ?? '0-0',
          pending: lastEventId === null ? undefined : [],
          held: undefined,
          recheck: undefined,
          rechecks: 0,
          alive: true,
        };
        subscribers.add(subscriber);
        ws.on('pong', () => (subscriber.alive = true));
        ws.on('close', () => subscribers.delete(subscriber));
        ws.on('error', () => subscribers.delete(subscriber));
        if (lastEventId === null) {
          // Live only: nothing older than now is owed.
          ws.send(JSON.stringify({ kind: 'ready', lastEventId: null }));
          return;
        }
        catchUp(subscriber, lastEventId).catch((error: unknown) => {
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
  const catchUp = async (subscriber: LiveSubscriber, from: string) => {
    let cursor = from;
    for (;;) {
      const page = await options.redis.xrange(options.streamKey, `(${cursor}`, '+', 'COUNT', 1000);
      // A credential check under way decides what this page may carry.
      await subscriber.recheck;
      for (const [id, fields] of page) {
        const event = toLiveEvent(id, fields);
        if (mayReceive(subscriber, event)) send(subscriber, event, serialiseFor(subscriber, event));
        cursor = id;
      }
      if (page.length < 1000) break;
    }
    // Events of a page are skipped by the cursor too, even when filtered out.
    if (compareStreamIds(cursor, subscriber.lastSentId) > 0) subscriber.lastSentId = cursor;
    const pending = subscriber.pending ?? [];
    subscriber.pending = undefined;
    for (const event of pending) send(subscriber, event, serialiseFor(subscriber, event));
    subscriber.socket.send(JSON.stringify({ kind: 'ready', lastEventId: subscriber.lastSentId }));
  };

  const heartbeat = setInterval(() => {
    for (const subscriber of subscribers) {
      if (!subscriber.alive) {
        subscriber.socket.terminate();
        subscribers.delete(subscriber);
        continue;
      }
      subscriber.alive = false;
      subscriber.socket.ping();
    }
  }, options.heartbeatMs ?? 30_000);
  heartbeat.unref();
  const routineRecheck = setInterval(
    () => recheck.all(subscribers),
    options.credentialRecheckMs ?? 30_000,
  );
  routineRecheck.unref();

  options.server.on('upgrade', onUpgrade);
  return {
    clientCount: () => subscribers.size,
    async close() {
      clearInterval(heartbeat);
      clearInterval(routineRecheck);
      recheck.close();
      options.server.off('upgrade', onUpgrade);
      for (const subscriber of subscribers) subscriber.socket.close(1001, 'server shutting down');
      subscribers.clear();
      await reader.stop();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function serialiseFor(subscriber: LiveSubscriber, event: LiveEvent): Buffer {
  return serialise(liveEventFor(event, subscriber.mask));
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
