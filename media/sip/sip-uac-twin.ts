/**
 * Test support: a twin of drachtio-srf's `createUAC` (media/sip/sip-uac.ts).
 * Every INVITE is kept in `invites` until the test answers or rejects it;
 * CANCEL rejects it with 487 as drachtio does. Answering yields a
 * {@link DialogTwin}.
 */
import { DialogTwin } from '../freeswitch/media-server-twin.ts';
import type { SipDialog } from './sip-message.ts';
import type { UacFactory, UacProgress } from './sip-uac.ts';

export class InviteTwin {
  state: 'ringing' | 'answered' | 'rejected' | 'cancelled' = 'ringing';
  dialog: DialogTwin | undefined;

  constructor(
    readonly uri: string,
    readonly localSdp: string,
    readonly headers: Readonly<Record<string, string>>,
    private readonly settle: {
      resolve(dialog: SipDialog): void;
      reject(error: Error & { status: number }): void;
    },
  ) {}

  /** The device answers with `sdp`. */
  answer(sdp = 'v=0\r\ns=device\r\n'): DialogTwin {
    if (this.state !== 'ringing') throw new Error(`INVITE to ${this.uri} is ${this.state}`);
    this.state = 'answered';
    this.dialog = new DialogTwin(`uac-${this.uri}`, this.localSdp, sdp);
    this.settle.resolve(this.dialog);
    return this.dialog;
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
    options: { readonly localSdp: string; readonly headers?: Readonly<Record<string, string>> },
    progress: UacProgress = {},
  ): Promise<SipDialog> {
    return new Promise<SipDialog>((resolve, reject) => {
      const invite = new InviteTwin(uri, options.localSdp, options.headers ?? {}, {
        resolve,
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
