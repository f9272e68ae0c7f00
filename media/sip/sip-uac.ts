import type { SipDialog } from './sip-message.ts';

/** An INVITE we sent and can still take back (drachtio-srf uac `Request`). */
export interface OutgoingInvite {
  /** Sends CANCEL; the pending `createUAC` then rejects with status 487. */
  cancel(): void;
}

/** Progress callbacks of drachtio-srf's `createUAC`. */
export interface UacProgress {
  /**
   * The INVITE went out. drachtio-srf 5.0 calls it `(null, req)` (or `(err)`
   * when it could not be sent), its typings say `(req)`; {@link sentInvite}
   * reads both.
   */
  readonly cbRequest?: (first: unknown, second?: unknown) => void;
  readonly cbProvisional?: (response: { readonly status: number }) => void;
}

/** The part of drachtio-srf's `Srf` that places outbound calls. */
export interface UacFactory {
  /**
   * Sends an INVITE to `uri` with `localSdp` and resolves with the dialog on
   * 200 OK; rejects with an error carrying `status` (a drachtio `SipError`)
   * on a final failure, 487 after our CANCEL.
   */
  createUAC(
    uri: string,
    options: {
      /** Absent (with `noAck`): an INVITE without SDP; see {@link inviteForOffer}. */
      readonly localSdp?: string;
      readonly headers?: Readonly<Record<string, string>>;
      readonly noAck?: boolean;
    },
    progress?: UacProgress,
  ): Promise<SipDialog>;
}

/**
 * A device's 200 OK to an INVITE sent without SDP: it made the offer, and our
 * answer goes in the ACK (RFC 3261 §13.2.1). What drachtio-srf's `createUAC`
 * resolves with when called with `noAck` and no `localSdp`.
 */
export interface DeviceOffer {
  /** The device's SDP offer (for a browser: ICE, DTLS fingerprint, opus). */
  readonly sdp: string;
  /** Sends the ACK carrying `answerSdp`; resolves with the confirmed dialog. */
  ack(answerSdp: string): Promise<SipDialog>;
  /** Gives up on the answered INVITE: ACKs it, then sends BYE. */
  destroy(): Promise<unknown>;
}

/**
 * Rings `uri` with an INVITE that carries no SDP (a late offer), for devices
 * that must make the offer themselves: a browser can only take part in
 * WebRTC (ICE, DTLS-SRTP) with an SDP its own peer connection created, while
 * FreeSWITCH answers such an offer readily. Rejects like `createUAC`.
 *
 * @example
 * const offer = await inviteForOffer(srf, 'sip:x@y.invalid;transport=ws', headers);
 * const endpoint = await mediaServer.createEndpoint({ remoteSdp: offer.sdp });
 * const dialog = await offer.ack(endpoint.local.sdp);
 */
export async function inviteForOffer(
  sip: UacFactory,
  uri: string,
  headers: Readonly<Record<string, string>> | undefined,
  progress?: UacProgress,
): Promise<DeviceOffer> {
  // drachtio-srf's typings say Dialog; with noAck and no SDP it resolves
  // `{ sdp, ack, destroy }` instead (lib/srf.js, the 3pcc branch).
  const answer: unknown = await sip.createUAC(uri, { headers, noAck: true }, progress);
  if (isDeviceOffer(answer)) return answer;
  // A 200 OK without an offer cannot carry media: hang it up, report a failure.
  await (answer as Partial<SipDialog> | undefined)?.destroy?.().catch(() => undefined);
  throw Object.assign(new Error('the device answered without an SDP offer'), { status: 488 });
}

function isDeviceOffer(value: unknown): value is DeviceOffer {
  const candidate = value as Partial<DeviceOffer> | undefined;
  return (
    typeof candidate?.sdp === 'string' &&
    candidate.sdp !== '' &&
    typeof candidate.ack === 'function' &&
    typeof candidate.destroy === 'function'
  );
}

/** Whether a registered Contact is a browser (SIP over WebSocket, RFC 7118), which needs WebRTC media. */
export function isWebRtcContact(uri: string): boolean {
  return /;transport=wss?(?:;|>|$)/i.test(uri);
}

/** The request handed to `cbRequest`, whichever calling convention delivered it. */
export function sentInvite(first: unknown, second?: unknown): OutgoingInvite | undefined {
  for (const candidate of [second, first]) {
    if (
      typeof candidate === 'object' &&
      candidate !== null &&
      typeof (candidate as { cancel?: unknown }).cancel === 'function'
    ) {
      return candidate as OutgoingInvite;
    }
  }
  return undefined;
}

/** The SIP status of a failed `createUAC` (drachtio `SipError.status`); 500 when there is none. */
export function uacFailureStatus(error: unknown): number {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : 500;
}
