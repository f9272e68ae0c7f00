import type { IncomingHttpHeaders } from 'node:http';
import { WebSocket } from 'ws';
import type { Logger } from '../../platform/logger.ts';
import type { AccessScopeResolver } from '../access/access-scope-resolver.ts';
import { hasScope, type Principal } from '../access/principal.ts';
import type { CredentialChange } from '../auth/credential-notices.ts';
import { contactMaskerFor } from '../privacy/contact-masking.ts';
import type { LiveSubscriber } from './live-subscriber.ts';

/** Close codes a client can act on (4000-4999 are the application's). */
export const credentialsEndedCode = 4001;
export const eventsScopeLostCode = 4003;

export interface CredentialRecheckOptions {
  readonly authenticate: (headers: IncomingHttpHeaders) => Promise<Principal | null>;
  readonly scopes: AccessScopeResolver;
  readonly logger: Logger;
  /** Called when a subscriber's held events may flow again (its checks are over). */
  readonly release: (subscriber: LiveSubscriber) => void;
  /**
   * After a session or user notice, the subscribers it concerns are checked
   * again this long after (default 5 s): another instance's session cache
   * may still answer with the old session for up to its lifetime (3 s).
   */
  readonly recheckAgainMs?: number;
}

/**
 * Keeps open event sockets in step with their credentials. A credential
 * notice re-checks the sockets it concerns at once, holding their events
 * meanwhile; {@link all} re-checks every socket (run on a timer, it also
 * ends sockets whose session expired). A socket whose credential ended is
 * closed with 4001, one whose token lost `events` with 4003; one whose
 * access changed is re-scoped in place and told with
 * `{"kind":"access-changed","role"}` before any later event.
 */
export class CredentialRecheck {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly o: CredentialRecheckOptions) {}

  /** A credential changed: re-check every subscriber opened with it. */
  onChange(change: CredentialChange, subscribers: Iterable<LiveSubscriber>): void {
    const concerned = [...subscribers].filter((s) => concerns(change, s.principal));
    for (const subscriber of concerned) this.schedule(subscriber, true);
    if (change.kind === 'token' || concerned.length === 0) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      for (const subscriber of concerned) this.schedule(subscriber, false);
    }, this.o.recheckAgainMs ?? 5_000);
    timer.unref();
    this.timers.add(timer);
  }

  /** Re-checks every subscriber, without holding their events. */
  all(subscribers: Iterable<LiveSubscriber>): void {
    for (const subscriber of subscribers) this.schedule(subscriber, false);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(subscriber: LiveSubscriber, announced: boolean): void {
    if (this.closed || subscriber.socket.readyState !== WebSocket.OPEN) return;
    if (announced) subscriber.held ??= [];
    subscriber.rechecks += 1;
    subscriber.recheck = (subscriber.recheck ?? Promise.resolve())
      .then(() => this.check(subscriber, announced))
      .finally(() => {
        subscriber.rechecks -= 1;
        if (subscriber.rechecks === 0) {
          subscriber.recheck = undefined;
          this.o.release(subscriber);
        }
      });
  }

  private async check(subscriber: LiveSubscriber, announced: boolean): Promise<void> {
    const { socket } = subscriber;
    if (socket.readyState !== WebSocket.OPEN) return;
    let principal: Principal | null;
    let scope;
    try {
      principal = await this.o.authenticate(subscriber.credentials);
      scope = principal === null ? undefined : await this.o.scopes.resolve(principal);
    } catch (error) {
      this.o.logger.warn({ err: error }, 'could not re-check a live event socket');
      // After a notice the socket may no longer be entitled: it reconnects and is checked afresh.
      // A routine check keeps it: a database blip should not drop every desktop.
      if (announced) socket.close(1011, 'could not re-check credentials; reconnect');
      return;
    }
    if (
      principal === null ||
      scope === undefined ||
      principal.userId !== subscriber.principal.userId
    ) {
      socket.close(credentialsEndedCode, 'credentials ended; log in again');
      return;
    }
    if (!hasScope(principal, 'events')) {
      socket.close(eventsScopeLostCode, 'the token no longer has the events scope');
      return;
    }
    const changed = accessChanged(subscriber.principal, principal);
    subscriber.principal = principal;
    subscriber.scope = scope;
    subscriber.mask = contactMaskerFor(principal);
    if (changed) socket.send(JSON.stringify({ kind: 'access-changed', role: principal.role }));
  }
}

function concerns(change: CredentialChange, principal: Principal): boolean {
  const { credential } = principal;
  switch (change.kind) {
    case 'user':
      return principal.userId === change.id;
    case 'session':
      return credential.kind === 'session' && credential.sessionId === change.id;
    case 'token':
      return credential.kind === 'token' && credential.tokenId === change.id;
  }
}

function accessChanged(before: Principal, after: Principal): boolean {
  if (before.role !== after.role) return true;
  const scopes = (p: Principal) =>
    p.credential.kind === 'token' ? p.credential.scopes.toSorted().join(',') : '*';
  return scopes(before) !== scopes(after);
}
