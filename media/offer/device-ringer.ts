import type { CallClock } from '../../ivr/call-clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { connectOfferDirectly, type ConnectBrowserOffer } from '../freeswitch/browser-media.ts';
import { connectedLeg, type ConnectedLeg } from '../freeswitch/connected-leg.ts';
import type { MediaEndpoint, MediaServer } from '../freeswitch/media-server.ts';
import type { SipDialog } from '../sip/sip-message.ts';
import {
  inviteForOffer,
  isWebRtcContact,
  sentInvite,
  uacFailureStatus,
  type OutgoingInvite,
  type UacFactory,
  type UacProgress,
} from '../sip/sip-uac.ts';

/** How ringing one or more devices ended. */
export type RingOutcome =
  | { readonly kind: 'answered'; readonly leg: ConnectedLeg; readonly uri: string }
  /** A device refused (486 Busy Here, 600 Busy Everywhere, 603 Decline) and none answered. */
  | { readonly kind: 'declined'; readonly status: number }
  /** Nobody answered in time, the devices were unreachable, or there were none. */
  | { readonly kind: 'noAnswer'; readonly status?: number }
  /** The signal was aborted (caller gone, offer withdrawn); every INVITE was cancelled. */
  | { readonly kind: 'cancelled' }
  /** FreeSWITCH could not give us an endpoint. */
  | { readonly kind: 'failed'; readonly reason: string };

export interface RingOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Extra INVITE headers, e.g. `From` with the caller's number, `Alert-Info`. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * A device answered its INVITE with a final failure of its own (never the
   * 487 after our CANCEL): a refusal ({@link isDecline}), or a sign that it
   * cannot take calls at that address (503 from a phone gone without
   * unregistering, 404, 408, 480, a transport error). Called as each fails,
   * whatever the ring's outcome, so stale bindings can be forgotten.
   */
  readonly onDeviceFailed?: (uri: string, status: number) => void;
}

export interface DeviceRingerOptions {
  readonly sip: UacFactory;
  /** The connected FreeSWITCH, or undefined while the event socket is down. */
  readonly mediaServer: () => MediaServer | undefined;
  readonly clock: CallClock;
  readonly logger: Logger;
  /**
   * Joins a browser's WebRTC offer to FreeSWITCH ({@link connectOfferThroughFsmrf}
   * on real servers); default {@link connectOfferDirectly}, for the twins.
   */
  readonly connectBrowserOffer?: ConnectBrowserOffer;
}

const declineStatuses = new Set([486, 600, 603]);

/** 486 Busy Here, 600 Busy Everywhere, 603 Decline: someone (or their phone for them) said no. */
export function isDecline(status: number): boolean {
  return declineStatuses.has(status);
}

/** A device that answered, before its media is joined (see {@link DeviceRinger}). */
interface DeviceAnswer {
  /** Joins the device's media to FreeSWITCH; resolves with the connected dialog and endpoint. */
  connect(): Promise<{ dialog: SipDialog; endpoint: MediaEndpoint }>;
  /** Hangs the answered device up without joining it. */
  abandon(): Promise<unknown>;
}

/**
 * Rings SIP devices in parallel. Desk phones get third-party call control
 * from one shared FreeSWITCH endpoint: the endpoint makes the SDP offer,
 * drachtio-srf `createUAC` carries it to each phone, the first answer's SDP
 * goes back to the endpoint with `modify`. Browsers (Contacts with
 * `transport=ws`/`wss`) get an INVITE without SDP: their answer carries
 * their own WebRTC offer, FreeSWITCH answers it on a new endpoint and that
 * answer goes in the ACK. The first device to answer wins; the others are
 * cancelled, and one that answers in the same instant gets a BYE. Nothing
 * outlives the ring: on timeout, abort or failure every INVITE is cancelled
 * and the endpoints released.
 *
 * @example
 * const outcome = await ringer.ring(['sip:alice@198.51.100.7:5062'], { timeoutMs: 20_000, signal });
 * if (outcome.kind === 'answered') await outcome.leg.endpoint.play('silence_stream://200');
 */
export class DeviceRinger {
  constructor(private readonly options: DeviceRingerOptions) {}

  async ring(uris: readonly string[], options: RingOptions): Promise<RingOutcome> {
    if (uris.length === 0) return { kind: 'noAnswer' };
    if (options.signal?.aborted) return { kind: 'cancelled' };
    const server = this.options.mediaServer();
    if (server === undefined) return { kind: 'failed', reason: 'FreeSWITCH is not connected' };
    let shared: MediaEndpoint | undefined;
    if (uris.some((uri) => !isWebRtcContact(uri))) {
      try {
        shared = await server.createEndpoint();
      } catch (error) {
        return { kind: 'failed', reason: error instanceof Error ? error.message : String(error) };
      }
    }
    if (options.signal?.aborted) {
      await shared?.destroy().catch(() => undefined);
      return { kind: 'cancelled' };
    }
    const outcome = await this.fork(server, shared, uris, options);
    if (outcome.kind !== 'answered' || outcome.leg.endpoint !== shared) {
      await shared?.destroy().catch(() => undefined);
    }
    return outcome;
  }

  /** Sends the INVITE for one device; resolves when it answers, rejects with its failure. */
  private invite(
    server: MediaServer,
    shared: MediaEndpoint | undefined,
    uri: string,
    options: RingOptions,
    progress: UacProgress,
  ): Promise<DeviceAnswer> {
    const { sip } = this.options;
    if (shared === undefined || isWebRtcContact(uri)) {
      const connectOffer = this.options.connectBrowserOffer ?? connectOfferDirectly;
      return inviteForOffer(sip, uri, options.headers, progress).then((offer) => {
        let acked: SipDialog | undefined;
        return {
          connect: async () => {
            const endpoint = await connectOffer(server, offer.sdp, async (answerSdp) => {
              acked = await offer.ack(answerSdp);
            });
            if (acked === undefined) throw new Error('the browser was never sent the answer');
            return { dialog: acked, endpoint };
          },
          // Once ACKed the dialog is confirmed: a BYE; before, the 200 OK is ACKed first.
          abandon: () => (acked !== undefined ? acked.destroy() : offer.destroy()),
        };
      });
    }
    return sip
      .createUAC(uri, { localSdp: shared.local.sdp, headers: options.headers }, progress)
      .then((dialog) => ({
        connect: async () => {
          await shared.modify(dialog.remote.sdp);
          return { dialog, endpoint: shared };
        },
        abandon: () => dialog.destroy(),
      }));
  }

  private fork(
    server: MediaServer,
    shared: MediaEndpoint | undefined,
    uris: readonly string[],
    options: RingOptions,
  ): Promise<RingOutcome> {
    const { clock, logger } = this.options;
    return new Promise<RingOutcome>((resolve) => {
      const invites = new Map<number, OutgoingInvite>();
      const cancelled = new Set<number>();
      const statuses: number[] = [];
      let settled = false;
      let pending = uris.length;
      const cancelAll = (except?: number) => {
        for (let index = 0; index < uris.length; index += 1) {
          if (index === except || cancelled.has(index)) continue;
          cancelled.add(index);
          const invite = invites.get(index);
          if (invite !== undefined) cancelSafely(invite);
        }
      };
      const cancelSafely = (invite: OutgoingInvite) => {
        try {
          invite.cancel();
        } catch (error) {
          logger.debug({ err: error }, 'CANCEL not sent (INVITE already final)');
        }
      };
      const finish = (outcome: RingOutcome, winner?: number) => {
        if (settled) return;
        settled = true;
        clock.clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        cancelAll(winner);
        resolve(outcome);
      };
      const onAbort = () => finish({ kind: 'cancelled' });
      const timer = clock.setTimeout(
        () => finish({ kind: 'noAnswer', status: 408 }),
        options.timeoutMs,
      );
      options.signal?.addEventListener('abort', onAbort, { once: true });

      const answered = async (index: number, answer: DeviceAnswer) => {
        if (settled) {
          // Answered as we were cancelling: this device gets a BYE.
          await answer.abandon().catch(() => undefined);
          return;
        }
        settled = true;
        clock.clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        cancelAll(index);
        let joined: { dialog: SipDialog; endpoint: MediaEndpoint };
        try {
          joined = await answer.connect();
        } catch (error) {
          logger.warn({ err: error, uri: uris[index] }, 'FreeSWITCH refused the device answer');
          await answer.abandon().catch(() => undefined);
          resolve({ kind: 'failed', reason: 'media negotiation failed' });
          return;
        }
        resolve({
          kind: 'answered',
          leg: connectedLeg(joined.dialog, joined.endpoint, clock),
          uri: uris[index] ?? '',
        });
      };
      const failed = (index: number, status: number) => {
        if (!cancelled.has(index)) options.onDeviceFailed?.(uris[index] ?? '', status);
        statuses.push(status);
        pending -= 1;
        if (pending > 0) return;
        const declined = statuses.find((s) => declineStatuses.has(s));
        finish(
          declined !== undefined
            ? { kind: 'declined', status: declined }
            : { kind: 'noAnswer', status: statuses[0] },
        );
      };

      uris.forEach((uri, index) => {
        const progress: UacProgress = {
          cbRequest: (first, second) => {
            const invite = sentInvite(first, second);
            if (invite === undefined) return;
            invites.set(index, invite);
            if (cancelled.has(index)) cancelSafely(invite);
          },
        };
        this.invite(server, shared, uri, options, progress)
          .then(
            (answer) => answered(index, answer),
            (error: unknown) => failed(index, uacFailureStatus(error)),
          )
          .catch((error: unknown) => logger.error({ err: error, uri }, 'device ring failed'));
      });
    });
  }
}
