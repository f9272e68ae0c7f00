import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { AccessScope } from '../access/access-scope.ts';
import type { Principal } from '../access/principal.ts';
import type { ContactMasker } from '../privacy/contact-masking.ts';
import type { Listener } from './event-audience.ts';
import type { LiveEvent } from './live-event.ts';

/**
 * One open event socket on the server. Who is listening (principal, scope,
 * masking) is re-checked while the socket is open and may change: a role
 * change re-scopes it in place.
 */
export interface LiveSubscriber extends Listener {
  readonly socket: WebSocket;
  /**
   * The connection under `socket`, for writing prebuilt event frames. Safe
   * beside ws's own writes (the ready message, pings, close): compression is
   * off, so ws writes each frame to this connection at once and in order.
   */
  readonly connection: Duplex;
  /** The upgrade's cookie and authorization headers, to re-authenticate with. */
  readonly credentials: IncomingHttpHeaders;
  principal: Principal;
  scope: AccessScope;
  /** How this subscriber sees customers' numbers and flow variables. */
  mask: ContactMasker;
  lastSentId: string;
  /** Live events that arrived while the subscriber was catching up, replayed after it. */
  pending: LiveEvent[] | undefined;
  /**
   * Live events that arrived while a credential change was being checked:
   * nothing announced after a revocation reaches the socket under its old
   * access. Filtered with the new access once the check is over.
   */
  held: LiveEvent[] | undefined;
  /** The re-checks queued for this subscriber, run one at a time. */
  recheck: Promise<void> | undefined;
  rechecks: number;
  alive: boolean;
}
