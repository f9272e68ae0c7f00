import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Redis } from 'ioredis';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../platform/logger.ts';
import type { AccessScopeResolver } from '../access/access-scope-resolver.ts';
import type { Principal } from '../access/principal.ts';
import type { RefusedRequest } from '../audit/access-denials.ts';
import { credentialChangeOf, credentialChangedType } from '../auth/credential-notices.ts';
import { contactMaskerFor } from '../privacy/contact-masking.ts';
import { CredentialRecheck } from './credential-recheck.ts';
import { EventStreamReader } from './event-stream-reader.ts';
import { LiveDelivery, type Frames } from './live-delivery.ts';
import type { LiveSubscriber } from './live-subscriber.ts';
import {
  admitUpgrade,
  refuseUpgrade,
  type UpgradeAdmission,
  type UpgradeRefusal,
} from './upgrade-admission.ts';

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
   * Event sockets one user may hold open on this instance (a desktop opens
   * one per tab); past it an upgrade gets 429. Default 20.
   */
  readonly maxSocketsPerUser?: number;
  /**
   * Told of each refusal of someone known (403: scope or origin, 429: too
   * many sockets), e.g. to audit it as `access.denied` like a refused request.
   */
  readonly onRefused?: (refused: {
    readonly request: RefusedRequest;
    readonly principal: Principal;
    readonly reason: string;
  }) => void;
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
  const subscribers = new Set<LiveSubscriber>();
  // Compression stays off (ws's default, spelled out): event frames are
  // written straight to the connection, which is only safe uncompressed.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false });
  const log = options.logger.child({ component: 'live-events' });
  const delivery = new LiveDelivery({
    maxBufferedBytes: options.maxBufferedBytes ?? 4 * 1024 * 1024,
    redis: options.redis,
    streamKey: options.streamKey,
  });
  const recheck = new CredentialRecheck({
    authenticate: options.authenticate,
    scopes: options.scopes,
    logger: log,
    ...(options.recheckAgainMs === undefined ? {} : { recheckAgainMs: options.recheckAgainMs }),
    release: (subscriber) => delivery.release(subscriber),
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
        for (const subscriber of subscribers) delivery.deliver(subscriber, event, frames);
      }
    },
  });
  await reader.start();

  const open = (ws: WebSocket, socket: Duplex, req: IncomingMessage, admission: Admitted) => {
    const subscriber = newSubscriber(ws, socket, req, admission);
    subscribers.add(subscriber);
    ws.on('pong', () => (subscriber.alive = true));
    ws.on('close', () => subscribers.delete(subscriber));
    ws.on('error', () => subscribers.delete(subscriber));
    const { lastEventId } = admission.query;
    if (lastEventId === null) {
      // Live only: nothing older than now is owed.
      ws.send(JSON.stringify({ kind: 'ready', lastEventId: null }));
      return;
    }
    delivery.catchUp(subscriber, lastEventId).catch((error: unknown) => {
      log.warn({ err: error }, 'live event catch-up failed');
      ws.close(1011, 'catch-up failed; reconnect');
    });
  };
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) return;
    const refuse = (refusal: UpgradeRefusal) => {
      if (refusal.principal !== undefined && options.onRefused !== undefined) {
        const request = { ip: req.socket.remoteAddress, method: 'GET', path, log };
        const reason = refusal.reason ?? refusal.text;
        options.onRefused({ request, principal: refusal.principal, reason });
      }
      refuseUpgrade(socket, refusal);
    };
    admitUpgrade(req, url.searchParams, { ...options, logger: log }).then(
      (admission) => {
        if (!admission.admitted) return refuse(admission);
        const crowded = socketLimitRefusal(
          subscribers,
          admission.principal,
          options.maxSocketsPerUser ?? 20,
        );
        if (crowded !== undefined) {
          log.info({ userId: admission.principal.userId }, 'event socket refused: too many');
          return refuse(crowded);
        }
        wss.handleUpgrade(req, socket, head, (ws) => open(ws, socket, req, admission));
      },
      (error: unknown) => {
        log.error({ err: error }, 'live event upgrade failed');
        refuseUpgrade(socket, { status: 500, text: 'Internal Server Error' });
      },
    );
  };

  const heartbeat = startHeartbeat(subscribers, options.heartbeatMs ?? 30_000);
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

type Admitted = Extract<UpgradeAdmission, { admitted: true }>;

/** 429 when `principal`'s user already holds `limit` sockets here; undefined otherwise. */
function socketLimitRefusal(
  subscribers: ReadonlySet<LiveSubscriber>,
  principal: Principal,
  limit: number,
): UpgradeRefusal | undefined {
  let held = 0;
  for (const subscriber of subscribers) {
    if (subscriber.principal.userId === principal.userId) held += 1;
  }
  if (held < limit) return undefined;
  return {
    status: 429,
    text: 'Too Many Requests',
    error: {
      code: 'rate_limited',
      message: `at most ${limit} event sockets per user are open at once; close one first`,
    },
    principal,
    reason: `already holds ${held} event sockets (at most ${limit})`,
  };
}

/** Pings every socket each `ms`; one that did not answer the last ping is dropped. */
function startHeartbeat(subscribers: Set<LiveSubscriber>, ms: number): NodeJS.Timeout {
  const timer = setInterval(() => {
    for (const subscriber of subscribers) {
      if (!subscriber.alive) {
        subscriber.socket.terminate();
        subscribers.delete(subscriber);
        continue;
      }
      subscriber.alive = false;
      subscriber.socket.ping();
    }
  }, ms);
  timer.unref();
  return timer;
}

function newSubscriber(
  ws: WebSocket,
  socket: Duplex,
  req: IncomingMessage,
  { principal, scope, query }: Admitted,
): LiveSubscriber {
  return {
    socket: ws,
    connection: socket,
    credentials: { cookie: req.headers.cookie, authorization: req.headers.authorization },
    principal,
    scope,
    mask: contactMaskerFor(principal),
    topics: query.topics,
    lastSentId: query.lastEventId ?? '0-0',
    pending: query.lastEventId === null ? undefined : [],
    held: undefined,
    recheck: undefined,
    rechecks: 0,
    alive: true,
  };
}
