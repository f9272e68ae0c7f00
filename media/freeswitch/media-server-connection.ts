import { createConnection } from 'node:net';
import Mrf from 'drachtio-fsmrf';
import type Srf from 'drachtio-srf';
import type { CallClock } from '../../ivr/call-clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { sendEslCommandsWhole } from './esl-command-writes.ts';
import { parseEslHeadersSafely } from './esl-header-parsing.ts';
import type { MediaServer } from './media-server.ts';

/** Where the event-socket connection to FreeSWITCH stands; readiness reports it. */
export type MediaServerState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface MediaServerAddress {
  readonly host: string;
  readonly port: number;
  readonly secret: string;
  /** Address FreeSWITCH's outbound event sockets connect back to (this host, as FreeSWITCH sees it). */
  readonly listenAddress?: string;
  readonly listenPort?: number;
}

/** Opens one event-socket connection; fsmrf's `Mrf#connect` by default. */
export type ConnectMediaServer = (address: MediaServerAddress) => Promise<MediaServer>;

/** fsmrf's connection, narrowed to the {@link MediaServer} shape. */
export function fsmrfConnector(srf: Srf): ConnectMediaServer {
  // One socket write per event-socket command instead of one per line.
  sendEslCommandsWhole();
  // No caller's bytes in an event may throw out of the socket's data handler.
  parseEslHeadersSafely();
  const mrf = new Mrf(srf);
  return async (address) => {
    // fsmrf's event-socket client keeps retrying a refused connection on its
    // own, forever and out of our reach: only hand it a port that answers.
    await portAnswers(address.host, address.port);
    return (await mrf.connect({
      address: address.host,
      port: address.port,
      secret: address.secret,
      listenAddress: address.listenAddress,
      listenPort: address.listenPort,
    })) as unknown as MediaServer;
  };
}

function portAnswers(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', (error) => {
      socket.destroy();
      reject(error);
    });
  });
}

/**
 * Keeps one FreeSWITCH connected. fsmrf does not reopen a lost event socket,
 * so this does: with exponential backoff from `initialDelayMs` to
 * `maxDelayMs`. When the connection is lost every `onLost` listener runs, so
 * live calls end cleanly with their records, and new calls are refused with
 * 503 until it is back.
 *
 * @example
 * const freeswitch = new MediaServerConnection({ address, connect: fsmrfConnector(srf), clock, logger });
 * freeswitch.start();
 */
export class MediaServerConnection {
  private server: MediaServer | undefined;
  private current: MediaServerState = 'connecting';
  private attempt = 0;
  private retryTimer: unknown;
  private readonly lostListeners = new Set<(server: MediaServer) => void>();
  private readonly log: Logger;

  constructor(
    private readonly options: {
      readonly address: MediaServerAddress;
      readonly connect: ConnectMediaServer;
      readonly clock: CallClock;
      readonly logger: Logger;
      readonly initialDelayMs?: number;
      readonly maxDelayMs?: number;
    },
  ) {
    this.log = options.logger.child({ component: 'freeswitch' });
  }

  /** The connected server, or undefined while (re)connecting. */
  get mediaServer(): MediaServer | undefined {
    return this.server;
  }

  get state(): MediaServerState {
    return this.current;
  }

  /** Starts connecting; resolves after the first attempt, whatever its outcome. */
  start(): Promise<void> {
    return this.tryConnect();
  }

  /** Runs `listener` with the lost server each time the connection drops. */
  onLost(listener: (server: MediaServer) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  close(): void {
    this.current = 'closed';
    if (this.retryTimer !== undefined) this.options.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const server = this.server;
    this.server = undefined;
    server?.disconnect();
  }

  private async tryConnect(): Promise<void> {
    this.retryTimer = undefined;
    if (this.current === 'closed') return;
    this.attempt += 1;
    try {
      const server = await this.options.connect(this.options.address);
      // close() may have run while connecting.
      if (this.state === 'closed') {
        server.disconnect();
        return;
      }
      this.server = server;
      this.current = 'connected';
      this.attempt = 0;
      server.on('end', () => this.lost(server));
      server.on('error', (error) =>
        this.log.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'event socket error',
        ),
      );
      this.log.info({ host: this.options.address.host }, 'connected to FreeSWITCH');
    } catch (error) {
      this.log.warn(
        { attempt: this.attempt, err: error instanceof Error ? error.message : String(error) },
        'FreeSWITCH connection failed',
      );
      this.scheduleRetry();
    }
  }

  private lost(server: MediaServer): void {
    if (this.server !== server) return;
    this.server = undefined;
    if (this.current === 'closed') return;
    this.current = 'reconnecting';
    this.log.error('lost the FreeSWITCH event socket; ending its calls and reconnecting');
    for (const listener of [...this.lostListeners]) listener(server);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.current === 'closed' || this.retryTimer !== undefined) return;
    if (this.current === 'connected') this.current = 'reconnecting';
    const initial = this.options.initialDelayMs ?? 250;
    const delay = Math.min(
      initial * 2 ** Math.max(0, this.attempt - 1),
      this.options.maxDelayMs ?? 10_000,
    );
    this.retryTimer = this.options.clock.setTimeout(() => void this.tryConnect(), delay);
  }
}
