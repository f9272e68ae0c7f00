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
      readonly localSdp: string;
      readonly headers?: Readonly<Record<string, string>>;
    },
    progress?: UacProgress,
  ): Promise<SipDialog>;
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
