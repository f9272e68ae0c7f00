// drachtio-srf's `Srf` as the voice path uses it, for app/ tests that wire
// the voice path with the in-process twins of drachtio-srf and FreeSWITCH.
import { DialogTwin } from '../media/freeswitch/media-server-twin.ts';
import type { SipDialog, SipRequest, SipResponse } from '../media/sip/sip-message.ts';
import { UacTwin } from '../media/sip/sip-uac-twin.ts';
import type { UacProgress } from '../media/sip/sip-uac.ts';
import type { SipHandler, SignallingSrf } from './voice-path.ts';

/** drachtio-srf's `Srf` as the voice path uses it: handlers kept, UAS answered at once. */
export class SrfTwin implements SignallingSrf {
  inviteHandler: SipHandler | undefined;
  registerHandler: SipHandler | undefined;
  readonly uac = new UacTwin();
  readonly dialogs: DialogTwin[] = [];

  invite(handler: SipHandler): void {
    this.inviteHandler = handler;
  }

  register(handler: SipHandler): void {
    this.registerHandler = handler;
  }

  createUAS(
    _request: SipRequest,
    response: SipResponse,
    options: { readonly localSdp: string },
  ): Promise<SipDialog> {
    response.send(200, { body: options.localSdp });
    const dialog = new DialogTwin(`uas-${this.dialogs.length}`, options.localSdp);
    this.dialogs.push(dialog);
    return Promise.resolve(dialog);
  }

  createUAC(
    uri: string,
    options: { readonly localSdp: string; readonly headers?: Readonly<Record<string, string>> },
    progress?: UacProgress,
  ): Promise<SipDialog> {
    return this.uac.createUAC(uri, options, progress);
  }
}
