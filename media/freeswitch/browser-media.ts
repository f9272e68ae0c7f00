import { randomUUID } from 'node:crypto';
import Endpoint from 'drachtio-fsmrf/lib/endpoint.js';
import type { SipDialog } from '../sip/sip-message.ts';
import type { MediaEndpoint, MediaServer } from './media-server.ts';

/**
 * Joins a browser's WebRTC offer (ICE, DTLS-SRTP) to FreeSWITCH: FreeSWITCH
 * answers the offer on a new endpoint, `sendAnswer` carries the answer to
 * the browser, and only then is the endpoint ready. The order matters:
 * FreeSWITCH hands the channel to the event socket once the DTLS handshake
 * with the browser is done, and the browser can start it only with the
 * answer.
 */
export type ConnectBrowserOffer = (
  server: MediaServer,
  offerSdp: string,
  sendAnswer: (answerSdp: string) => Promise<unknown>,
) => Promise<MediaEndpoint>;

/**
 * For the twins (and any media server whose endpoints need no handshake
 * first): the endpoint, then the answer.
 */
export const connectOfferDirectly: ConnectBrowserOffer = async (server, offerSdp, sendAnswer) => {
  const endpoint = await server.createEndpoint({ remoteSdp: offerSdp });
  try {
    await sendAnswer(endpoint.local.sdp);
  } catch (error) {
    await endpoint.destroy().catch(() => undefined);
    throw error;
  }
  return endpoint;
};

/** What of drachtio-fsmrf 4.1's MediaServer this reads (lib/mediaserver.js). */
interface FsmrfMediaServer {
  readonly srf: {
    createUAC(
      uri: string,
      options: { headers: Record<string, string>; localSdp: string },
    ): Promise<SipDialog>;
  };
  readonly sip: { readonly ipv4: { readonly udp: { readonly address: string } } };
  readonly advertisedAddress: string;
  readonly advertisedPort: number;
  readonly pendingConnections: Map<string, PendingConnection>;
  readonly _mrf?: { readonly customEvents?: string[] };
}

interface PendingConnection {
  conn?: unknown;
  fn?: (conn: unknown) => void;
  connTimeout?: NodeJS.Timeout;
  dialog?: SipDialog;
}

function fsmrfInternals(server: MediaServer): FsmrfMediaServer {
  const candidate = server as unknown as Partial<FsmrfMediaServer>;
  if (
    !(candidate.pendingConnections instanceof Map) ||
    typeof candidate.srf?.createUAC !== 'function' ||
    typeof candidate.sip?.ipv4?.udp?.address !== 'string'
  ) {
    throw new Error(
      'drachtio-fsmrf changed: a browser offer cannot be joined (see browser-media.ts)',
    );
  }
  return candidate as FsmrfMediaServer;
}

/**
 * The same as fsmrf's `MediaServer#connectCaller` does for a caller's
 * WebRTC INVITE (its "srtp scenario"), for the other direction: a device
 * answered our INVITE without SDP, its offer is in the 200 OK and our
 * answer goes in the ACK. fsmrf has no public call for that (its
 * createEndpoint refuses an offer that needs a DTLS handshake, and
 * connectCaller needs the caller's INVITE), so this sends fsmrf's INVITE to
 * FreeSWITCH with fsmrf's own headers, sends FreeSWITCH's answer on, and
 * leaves fsmrf's pending-connection entry for FreeSWITCH's event socket to
 * complete, as connectCaller does. Checked against drachtio-fsmrf 4.1.2;
 * {@link fsmrfInternals} refuses clearly if those parts change.
 */
export const connectOfferThroughFsmrf: ConnectBrowserOffer = async (
  server,
  offerSdp,
  sendAnswer,
) => {
  const fsmrf = fsmrfInternals(server);
  const uuid = randomUUID();
  const pending: PendingConnection = {};
  fsmrf.pendingConnections.set(uuid, pending);
  let dialog: SipDialog;
  try {
    dialog = await fsmrf.srf.createUAC(`sip:drachtio@${fsmrf.sip.ipv4.udp.address}`, {
      headers: {
        'User-Agent': `drachtio-fsmrf:${uuid}`,
        'X-esl-outbound': `${fsmrf.advertisedAddress}:${fsmrf.advertisedPort}`,
      },
      localSdp: offerSdp,
    });
  } catch (error) {
    fsmrf.pendingConnections.delete(uuid);
    throw error;
  }
  pending.dialog = dialog;
  const ready = new Promise<MediaEndpoint>((resolve, reject) => {
    const produce = (conn: unknown) => {
      const endpoint = new Endpoint(conn, dialog, server, {
        customEvents: [...(fsmrf._mrf?.customEvents ?? [])],
      });
      endpoint.once('ready', () => resolve(endpoint as unknown as MediaEndpoint));
    };
    if (pending.conn !== undefined) {
      fsmrf.pendingConnections.delete(uuid);
      produce(pending.conn);
      return;
    }
    pending.fn = produce;
    pending.connTimeout = setTimeout(() => {
      fsmrf.pendingConnections.delete(uuid);
      void dialog.destroy().catch(() => undefined);
      reject(new Error('FreeSWITCH did not hand the browser channel over (no DTLS handshake?)'));
    }, 10_000);
  });
  // Settled whatever happens next; a failure reaches the caller through `return ready`.
  ready.catch(() => undefined);
  try {
    await sendAnswer(dialog.remote.sdp);
  } catch (error) {
    clearTimeout(pending.connTimeout);
    fsmrf.pendingConnections.delete(uuid);
    await dialog.destroy().catch(() => undefined);
    throw error;
  }
  return ready;
};
