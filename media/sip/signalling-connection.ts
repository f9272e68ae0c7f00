import Srf from 'drachtio-srf';
import type { Logger } from '../../platform/logger.ts';

/** Where the connection to drachtio-server stands; readiness reports it. */
export type SignallingState = 'connecting' | 'connected' | 'reconnecting';

export interface SignallingConnection {
  readonly srf: Srf;
  state(): SignallingState;
  /** Stops reconnecting and closes the command socket. */
  close(): void;
  /**
   * Calls `listener` each time an established connection is lost: the SIP
   * dialogs of calls in progress went with it (drachtio-srf cannot resume
   * them), so their calls must end. Returns an unsubscribe function.
   */
  onLost(listener: () => void): () => void;
}

/**
 * Connects to drachtio-server's command socket. drachtio-srf reconnects by
 * itself with exponential backoff (capped at `retryMaxDelayMs`); this tracks
 * the state for readiness and logs each transition. INVITEs in flight when
 * the socket drops are answered by drachtio-server itself (it holds the
 * transactions), so the app only has to come back.
 *
 * @example
 * const signalling = connectSignalling({ host, port, secret, logger });
 */
export function connectSignalling(options: {
  readonly host: string;
  readonly port: number;
  readonly secret: string;
  readonly logger: Logger;
  readonly retryMaxDelayMs?: number;
}): SignallingConnection {
  const srf = new Srf();
  let state: SignallingState = 'connecting';
  const lostListeners = new Set<() => void>();
  const log = options.logger.child({ component: 'drachtio' });
  srf.on('connect', (error: Error | undefined, hostPort: string) => {
    if (error) return;
    state = 'connected';
    log.info({ hostPort }, 'connected to drachtio-server');
  });
  srf.on('error', (error: Error) => log.warn({ err: error.message }, 'drachtio connection error'));
  (srf as unknown as NodeJS.EventEmitter).on('reconnecting', (attempt: unknown) => {
    const wasConnected = state === 'connected';
    state = 'reconnecting';
    log.warn({ attempt }, 'drachtio connection lost; reconnecting');
    if (wasConnected) for (const listener of [...lostListeners]) listener();
  });
  void srf.connect({
    host: options.host,
    port: options.port,
    secret: options.secret,
    reconnect: { retryMaxDelay: options.retryMaxDelayMs ?? 5000 },
  } as Srf.SrfConfig);
  return {
    srf,
    state: () => state,
    close: () => stopWireProtocol(srf, state === 'connected'),
    onLost(listener) {
      lostListeners.add(listener);
      return () => lostListeners.delete(listener);
    },
  };
}

/** The internals of drachtio-srf 5's client socket that closing needs. */
interface WireProtocol {
  closing: boolean;
  socket?: { destroy(): void };
  reconnectVars: { retryTimer: ReturnType<typeof setTimeout> | null };
}

/**
 * `srf.disconnect()` throws before the first connection and leaves a pending
 * reconnect timer running, so a service stopped while drachtio-server is
 * away would reconnect after it closed. This stops the retries first.
 */
function stopWireProtocol(srf: Srf, connected: boolean): void {
  const wire = (srf as unknown as { app?: { client?: { wp?: WireProtocol } } }).app?.client?.wp;
  if (wire !== undefined) {
    wire.closing = true;
    if (wire.reconnectVars.retryTimer !== null) clearTimeout(wire.reconnectVars.retryTimer);
    wire.reconnectVars.retryTimer = null;
  }
  if (connected) srf.disconnect();
  else wire?.socket?.destroy();
}
