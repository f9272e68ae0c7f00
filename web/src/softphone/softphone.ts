import type { Invitation } from 'sip.js';
import { Registerer, RegistererState, SessionState, UserAgent, UserAgentState, Web } from 'sip.js';
import type { OfferAlert } from '../desk/offer-alert.ts';
import type { DeviceChoice } from './device-choice.ts';
import { incomingCallKey, incomingCallKind } from './incoming-call-kind.ts';
import { openMicrophone, routeToDevice, stopStream } from './media-devices.ts';
import { type MicrophoneProblem, microphoneProblem } from './microphone-problem.ts';
import { reconnectDelay } from './reconnect-delay.ts';
import type { EnabledSoftphoneSettings } from './softphone-settings.ts';
import type { SoftphoneStatus } from './softphone-status.ts';

/** A call ringing the browser, or answered: `key` is its offer id, or `call:<id>` for others. */
export interface SoftphoneCall {
  readonly key: string;
  readonly offerId: string | null;
  readonly caller: string;
  readonly autoAnswer: boolean;
}

export interface SoftphoneSnapshot {
  readonly status: SoftphoneStatus;
  /** Calls ringing the browser, oldest first. */
  readonly ringing: readonly SoftphoneCall[];
  /** The call answered in the browser, if any. */
  readonly call: (SoftphoneCall & { readonly established: boolean }) | null;
  readonly muted: boolean;
}

/** The agent's microphone is blocked or missing: the call is not answered. */
export class NoMicrophoneError extends Error {
  constructor(readonly problem: MicrophoneProblem) {
    super(`no microphone: ${problem}`);
    this.name = 'NoMicrophoneError';
  }
}

const audioOnly: MediaStreamConstraints = { audio: true, video: false };
const dtmfDigit = /^[0-9A-D*#]$/;
/** SIP.js's connection timeout is 5 s; past this the attempt counts as failed whatever SIP.js says. */
const connectWithinMs = 7_000;

const policyError = new Error('refused by the page policy');

/**
 * Fails when the page's Content-Security-Policy (`connect-src`) refuses a
 * WebSocket to `server`: Chromium then neither opens nor closes it, so
 * SIP.js would wait for ever; the agent is told it is the page's policy.
 */
function policyRefusal(server: string): { promise: Promise<never>; dispose: () => void } {
  let onViolation: (event: SecurityPolicyViolationEvent) => void = () => undefined;
  const promise = new Promise<never>((_, reject) => {
    onViolation = (event) => {
      if (server !== '' && event.blockedURI.replace(/\/$/, '') === server.replace(/\/$/, '')) {
        reject(policyError);
      }
    };
    document.addEventListener('securitypolicyviolation', onViolation);
  });
  promise.catch(() => undefined);
  return {
    promise,
    dispose: () => document.removeEventListener('securitypolicyviolation', onViolation),
  };
}

function settleWithin<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * The agent's browser as their phone: SIP.js over WebSocket registers the
 * agent's address of record after log-in, keeps it registered (reconnects
 * with backoff when the WebSocket drops, registers again once back), holds
 * incoming INVITEs keyed by the routing offer they ring for, and plays the
 * answered call through an <audio> element on the chosen speaker.
 *
 * Status: `connecting` → `registered`; `offline` while reconnecting (with
 * the attempt and when the next one is); `micBlocked` when the browser
 * refuses the microphone (nothing registers until {@link retry}); `error`
 * when the registrar refuses the credentials. The credentials
 * (`authorizationHa1`) stay in this object and are never logged: SIP.js's
 * own logging is off.
 */
export class Softphone {
  private snapshotValue: SoftphoneSnapshot = {
    status: { kind: 'connecting' },
    ringing: [],
    call: null,
    muted: false,
  };
  private readonly listeners = new Set<() => void>();
  private readonly invitations = new Map<string, { invitation: Invitation; call: SoftphoneCall }>();
  private readonly waiters = new Set<() => void>();
  private userAgent: UserAgent | undefined;
  private registerer: Registerer | undefined;
  private serverIndex = 0;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private current: { invitation: Invitation; call: SoftphoneCall } | undefined;
  private preparedStream: MediaStream | undefined;
  private devices: DeviceChoice = {};
  private readonly remoteAudio: HTMLAudioElement;
  private readonly onOnline = () => {
    if (this.snapshotValue.status.kind === 'offline') void this.connect();
  };
  private readonly onPageHide = () => void this.stop();

  constructor(
    private readonly settings: EnabledSoftphoneSettings,
    private readonly ringer: OfferAlert,
  ) {
    this.remoteAudio = new Audio();
    this.remoteAudio.autoplay = true;
    window.addEventListener('online', this.onOnline);
    window.addEventListener('pagehide', this.onPageHide);
  }

  snapshot = (): SoftphoneSnapshot => this.snapshotValue;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The devices to use from now on (the speaker at once, the microphone from the next call). */
  useDevices(choice: DeviceChoice): void {
    this.devices = choice;
    void routeToDevice(this.remoteAudio, choice.speaker);
  }

  /** Checks the microphone, then connects and registers. */
  async start(): Promise<void> {
    this.stopped = false;
    this.update({ status: { kind: 'connecting' } });
    try {
      stopStream(await openMicrophone(this.devices.microphone));
    } catch (error) {
      this.update({ status: { kind: 'micBlocked', problem: microphoneProblem(error) } });
      return;
    }
    if (this.stopped) return;
    if (this.registerer?.state === RegistererState.Registered && this.userAgent?.isConnected()) {
      this.update({ status: { kind: 'registered' } });
      return;
    }
    await this.connect();
  }

  /** The agent's "Retry": the microphone again, and the connection now rather than at the next attempt. */
  retry(): Promise<void> {
    this.attempt = 0;
    return this.start();
  }

  /** Unregisters and disconnects (log-out, page unload); calls still ringing are turned away. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.retryTimer);
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('pagehide', this.onPageHide);
    for (const { invitation } of this.invitations.values()) {
      void invitation.reject({ statusCode: 480 }).catch(() => undefined);
    }
    if (this.current !== undefined) void this.hangUp().catch(() => undefined);
    const userAgent = this.userAgent;
    const registerer = this.registerer;
    this.userAgent = undefined;
    this.registerer = undefined;
    this.update({ status: { kind: 'disabled', reason: 'stopped' } });
    if (registerer?.state === RegistererState.Registered) {
      await registerer.unregister().catch(() => undefined);
    }
    await userAgent?.stop().catch(() => undefined);
    stopStream(this.preparedStream);
  }

  /** Whether the INVITE for `offerId` is ringing the browser now. */
  holds(offerId: string): boolean {
    return this.invitations.has(offerId);
  }

  /**
   * Whether the INVITE for `offerId` rings the browser within `timeoutMs`:
   * the desk's offer (a pushed event) can come before the INVITE does.
   */
  waitFor(offerId: string, timeoutMs: number): Promise<boolean> {
    if (this.holds(offerId)) return Promise.resolve(true);
    if (this.snapshotValue.status.kind !== 'registered') return Promise.resolve(false);
    return new Promise((resolve) => {
      const check = () => {
        if (!this.holds(offerId)) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        resolve(false);
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Answers the call ringing under `key` (an offer id: that accepts the offer). */
  async answer(key: string): Promise<void> {
    const held = this.invitations.get(key);
    if (held === undefined) throw new Error('That call is no longer ringing.');
    let stream: MediaStream;
    try {
      stream = await openMicrophone(this.devices.microphone);
    } catch (error) {
      const problem = microphoneProblem(error);
      this.update({ status: { kind: 'micBlocked', problem } });
      throw new NoMicrophoneError(problem);
    }
    if (this.invitations.get(key) !== held) {
      stopStream(stream);
      throw new Error('That call is no longer ringing.');
    }
    this.preparedStream = stream;
    this.forget(key);
    this.current = held;
    this.update({ call: { ...held.call, established: false }, muted: false });
    await held.invitation.accept({ sessionDescriptionHandlerOptions: { constraints: audioOnly } });
  }

  /** Turns the call ringing under `key` away (603 Decline: for an offer, the offer is declined). */
  async decline(key: string): Promise<void> {
    const held = this.invitations.get(key);
    if (held === undefined) return;
    this.forget(key);
    await held.invitation.reject({ statusCode: 603 });
  }

  /** Ends the browser's call (BYE, or turns it away if it was still being answered). */
  async hangUp(): Promise<void> {
    const current = this.current;
    if (current === undefined) return;
    const { invitation } = current;
    if (invitation.state === SessionState.Established) await invitation.bye();
    else if (
      invitation.state === SessionState.Initial ||
      invitation.state === SessionState.Establishing
    ) {
      await invitation.reject({ statusCode: 603 }).catch(() => undefined);
    }
  }

  /** Mutes the microphone on this side (the sender track is disabled; nothing is signalled). */
  setMuted(muted: boolean): void {
    const handler = this.current?.invitation.sessionDescriptionHandler;
    if (handler instanceof Web.SessionDescriptionHandler) handler.enableSenderTracks(!muted);
    this.update({ muted });
  }

  /** One DTMF digit: RFC 2833 in the media, else SIP INFO (application/dtmf-relay). */
  async sendDtmf(digit: string): Promise<void> {
    if (!dtmfDigit.test(digit)) throw new Error(`not a DTMF digit: ${digit}`);
    const invitation = this.current?.invitation;
    if (invitation?.state !== SessionState.Established) return;
    const handler = invitation.sessionDescriptionHandler;
    if (handler?.sendDtmf(digit, { duration: 160, interToneGap: 70 }) === true) return;
    await invitation.info({
      requestOptions: {
        body: {
          contentDisposition: 'render',
          contentType: 'application/dtmf-relay',
          content: `Signal=${digit}\r\nDuration=160`,
        },
      },
    });
  }

  private async connect(): Promise<void> {
    clearTimeout(this.retryTimer);
    if (this.stopped) return;
    const userAgent = (this.userAgent ??= this.makeUserAgent());
    if (this.snapshotValue.status.kind !== 'offline')
      this.update({ status: { kind: 'connecting' } });
    if (userAgent.isConnected()) {
      this.register(userAgent);
      return;
    }
    const server = this.settings.wsServers[this.serverIndex] ?? '';
    const refusedByPolicy = policyRefusal(server);
    try {
      await settleWithin(
        Promise.race([
          userAgent.state === UserAgentState.Started ? userAgent.reconnect() : userAgent.start(),
          refusedByPolicy.promise,
        ]),
        connectWithinMs,
      );
    } catch (error) {
      if (this.userAgent !== userAgent) return;
      // A fresh user agent for the next attempt (on the next server, if there are several):
      // a WebSocket the browser refused outright (CSP) never settles SIP.js's own connect.
      this.serverIndex = (this.serverIndex + 1) % this.settings.wsServers.length;
      this.userAgent = undefined;
      this.registerer = undefined;
      void userAgent.stop().catch(() => undefined);
      this.scheduleReconnect(error === policyError ? 'policy' : 'unreachable');
    } finally {
      refusedByPolicy.dispose();
    }
  }

  private scheduleReconnect(reason: 'unreachable' | 'dropped' | 'policy'): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.attempt += 1;
    const delay = reconnectDelay(this.attempt);
    this.update({
      status: { kind: 'offline', reason, attempt: this.attempt, retryAt: Date.now() + delay },
    });
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  private makeUserAgent(): UserAgent {
    const { settings } = this;
    const uri = UserAgent.makeURI(settings.aor);
    if (uri === undefined) throw new Error('The softphone address is not a SIP URI.');
    const userAgent: UserAgent = new UserAgent({
      uri,
      authorizationUsername: settings.username,
      authorizationHa1: settings.authorizationHa1,
      displayName: settings.displayName,
      transportOptions: {
        server: settings.wsServers[this.serverIndex] ?? settings.wsServers[0],
        connectionTimeout: 5,
        keepAliveInterval: 25,
      },
      // Reconnection is this class's (backoff, status); SIP.js's own loop stays off.
      reconnectionAttempts: 0,
      logBuiltinEnabled: false,
      logLevel: 'error',
      userAgentString: 'Switchboard browser phone',
      sessionDescriptionHandlerFactory: Web.defaultSessionDescriptionHandlerFactory(() => {
        const prepared = this.preparedStream;
        this.preparedStream = undefined;
        return prepared !== undefined
          ? Promise.resolve(prepared)
          : openMicrophone(this.devices.microphone);
      }),
      sessionDescriptionHandlerFactoryOptions: {
        peerConnectionConfiguration: {
          iceServers: settings.iceServers.map((server) => ({ urls: [...server.urls] })),
        },
        iceGatheringTimeout: 2_000,
      },
      delegate: {
        onConnect: () => {
          if (this.userAgent === userAgent) this.register(userAgent);
        },
        onDisconnect: (error) => {
          if (this.userAgent !== userAgent || this.stopped) return;
          if (error !== undefined) this.scheduleReconnect('dropped');
        },
        onInvite: (invitation) => this.onInvite(invitation),
      },
    });
    return userAgent;
  }

  private register(userAgent: UserAgent): void {
    if (this.registerer === undefined) {
      const registerer = new Registerer(userAgent);
      registerer.stateChange.addListener((state) => {
        if (this.registerer === registerer && state === RegistererState.Registered) {
          this.registered();
        }
      });
      this.registerer = registerer;
    }
    const registerer = this.registerer;
    registerer
      .register({
        requestDelegate: {
          // Again registered after a reconnection: the Registerer's state never left Registered.
          onAccept: () => {
            if (this.registerer === registerer) this.registered();
          },
          onReject: (response) => {
            const code = response.message.statusCode ?? 0;
            this.update({ status: { kind: 'error', reason: 'rejected', code } });
          },
        },
      })
      // A REGISTER already under way, or the transport gone (onDisconnect reconnects).
      .catch(() => undefined);
  }

  private registered(): void {
    if (this.stopped) return;
    this.attempt = 0;
    this.update({ status: { kind: 'registered' } });
    for (const waiter of [...this.waiters]) waiter();
  }

  private onInvite(invitation: Invitation): void {
    const kind = incomingCallKind((name) => invitation.request.getHeader(name));
    if (this.current !== undefined || this.stopped) {
      void invitation.reject({ statusCode: 486 }).catch(() => undefined);
      return;
    }
    const key = incomingCallKey(kind, invitation.id);
    const identity = invitation.remoteIdentity;
    const call: SoftphoneCall = {
      key,
      offerId: kind.offerId,
      caller: identity.displayName || identity.uri.user || identity.uri.toString(),
      autoAnswer: kind.autoAnswer,
    };
    this.invitations.set(key, { invitation, call });
    invitation.stateChange.addListener((state) => {
      if (state === SessionState.Established && this.current?.invitation === invitation) {
        this.playRemoteAudio(invitation);
        this.update({ call: { ...call, established: true } });
      }
      if (state === SessionState.Terminated) {
        if (this.invitations.get(key)?.invitation === invitation) this.forget(key);
        if (this.current?.invitation === invitation) {
          this.current = undefined;
          this.remoteAudio.srcObject = null;
          this.update({ call: null, muted: false });
        }
      }
    });
    this.update({ ringing: [...this.snapshotValue.ringing, call] });
    for (const waiter of [...this.waiters]) waiter();
    if (kind.autoAnswer) {
      void this.answer(key).catch(() => undefined);
      return;
    }
    this.ringer.ring(`invite:${key}`);
  }

  private forget(key: string): void {
    this.invitations.delete(key);
    this.ringer.stop(`invite:${key}`);
    this.update({ ringing: this.snapshotValue.ringing.filter((call) => call.key !== key) });
  }

  private playRemoteAudio(invitation: Invitation): void {
    const handler = invitation.sessionDescriptionHandler;
    if (!(handler instanceof Web.SessionDescriptionHandler)) return;
    this.remoteAudio.srcObject = handler.remoteMediaStream;
    void routeToDevice(this.remoteAudio, this.devices.speaker);
    void this.remoteAudio.play().catch(() => undefined);
  }

  private update(change: Partial<SoftphoneSnapshot>): void {
    this.snapshotValue = { ...this.snapshotValue, ...change };
    for (const listener of [...this.listeners]) listener();
  }
}
