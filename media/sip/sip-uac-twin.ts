/**
 * Test support: a twin of drachtio-srf's `createUAC` (media/sip/sip-uac.ts).
 * Every INVITE is kept in `invites` until the test answers or rejects it;
 * CANCEL rejects it with 487 as drachtio does. Answering yields a
 * {@link DialogTwin}.
 */
import { DialogTwin } from '../freeswitch/media-server-twin.ts';
import type { SipDialog } from './sip-message.ts';
import type { DeviceOffer, UacFactory, UacProgress } from './sip-uac.ts';

export class InviteTwin {
  state: 'ringing' | 'answered' | 'rejected' | 'cancelled' = 'ringing';
  dialog: DialogTwin | undefined;

  /** For an INVITE without SDP, what the device got in the ACK (our answer to its offer). */
  ackedWith: string | undefined;

  constructor(
    readonly uri: string,
    /** Undefined for an INVITE sent without SDP (late offer). */
    readonly localSdp: string | undefined,
    readonly headers: Readonly<Record<string, string>>,
    private readonly settle: {
      resolve(answer: SipDialog | DeviceOffer): void;
      reject(error: Error & { status: number }): void;
    },
  ) {}

  /** The device answers with `sdp` (its answer; or its offer when the INVITE had none). */
  answer(sdp = 'v=0\r\ns=device\r\n'): DialogTwin {
    if (this.state !== 'ringing') throw new Error(`INVITE to ${this.uri} is ${this.state}`);
    this.state = 'answered';
    const dialog = new DialogTwin(`uac-${this.uri}`, this.localSdp ?? '', sdp);
    this.dialog = dialog;
    if (this.localSdp !== undefined) {
      this.settle.resolve(dialog);
      return dialog;
    }
    // Late offer: drachtio-srf hands back the offer and the ACK to send.
    this.settle.resolve({
      sdp,
      ack: (answerSdp: string) => {
        this.ackedWith = answerSdp;
        dialog.local.sdp = answerSdp;
        return Promise.resolve(dialog);
      },
      destroy: () => dialog.destroy(),
    });
    return dialog;
  }

  /** The device answers with a final failure (486 busy, 603 decline, 408, ...). */
  reject(status: number): void {
    if (this.state !== 'ringing') return;
    this.state = 'rejected';
    this.settle.reject(Object.assign(new Error(`Sip non-success response: ${status}`), { status }));
  }

  cancel(): void {
    if (this.state !== 'ringing') return;
    this.state = 'cancelled';
    this.settle.reject(Object.assign(new Error('Sip non-success response: 487'), { status: 487 }));
  }
}

export class UacTwin implements UacFactory {
  readonly invites: InviteTwin[] = [];

  createUAC(
    uri: string,
    options: {
      readonly localSdp?: string;
      readonly headers?: Readonly<Record<string, string>>;
      readonly noAck?: boolean;
    },
    progress: UacProgress = {},
  ): Promise<SipDialog> {
    return new Promise<SipDialog>((resolve, reject) => {
      const invite = new InviteTwin(uri, options.localSdp, options.headers ?? {}, {
        // A late-offer answer is not a dialog; callers of `inviteForOffer` read it.
        resolve: (answer) => resolve(answer as SipDialog),
        reject,
      });
      this.invites.push(invite);
      progress.cbRequest?.(null, invite);
    });
  }

  /** INVITEs still ringing, optionally only those to `uri`. */
  ringing(uri?: string): InviteTwin[] {
    return this.invites.filter(
      (invite) => invite.state === 'ringing' && (uri === undefined || invite.uri === uri),
    );
  }
}
