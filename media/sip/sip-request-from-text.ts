/**
 * Test support: a drachtio-srf `Request` built by drachtio's own parser from
 * raw SIP text, so handlers under test see exactly the objects (header
 * casing, parsed Contact and Authorization shapes, quoting) a real
 * drachtio-server connection would hand them.
 */
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import type { SipRequest, SipResponse, SipSendOptions } from './sip-message.ts';

const require = createRequire(import.meta.url);

type DrachtioRequestClass = new (
  message: unknown,
  meta: { source: string; address: string; port: string; protocol: string },
) => SipRequest & EventEmitter;
type SipMessageClass = new (raw: string) => unknown;

const DrachtioRequest = require('drachtio-srf/lib/request.js') as DrachtioRequestClass;
const SipMessage = require('drachtio-srf/lib/sip-parser/message.js') as SipMessageClass;

/** A network request as drachtio-srf presents it; `emit('cancel')` simulates a CANCEL. */
export function sipRequestFromText(
  raw: string,
  source: { readonly address: string; readonly port?: number } = { address: '192.0.2.10' },
): SipRequest & EventEmitter {
  const text = raw.replace(/\r?\n/g, '\r\n');
  return requestOf(new SipMessage(text), source);
}

/** What drachtio-srf's agent makes of a message drachtio-server passes on. */
export type ReceivedSip =
  | { readonly kind: 'dropped' }
  | { readonly kind: 'response' }
  | { readonly kind: 'request'; readonly request: SipRequest & EventEmitter };

/**
 * Raw SIP bytes (no line-ending repair) as drachtio-srf's agent receives
 * them (`DrachtioAgent#_onMsg`): text its parser refuses is logged and
 * dropped there, responses go to the requests awaiting them, and only
 * requests reach an application's handlers. The Request is built outside
 * the parser's try, as the agent does, so a throw there is one the agent
 * would not catch either.
 */
export function receiveSip(
  raw: string,
  source: { readonly address: string; readonly port?: number },
): ReceivedSip {
  let message: { readonly type?: string };
  try {
    message = new SipMessage(raw) as { readonly type?: string };
  } catch {
    return { kind: 'dropped' };
  }
  if (message.type !== 'request') return { kind: 'response' };
  return { kind: 'request', request: requestOf(message, source) };
}

function requestOf(
  message: unknown,
  source: { readonly address: string; readonly port?: number },
): SipRequest & EventEmitter {
  return new DrachtioRequest(message, {
    source: 'network',
    address: source.address,
    port: String(source.port ?? 5060),
    protocol: 'udp',
  });
}

/** A PCMU offer with RFC 2833 events, as a carrier sends it. */
export const callerOffer = [
  'v=0',
  'o=- 1 1 IN IP4 192.0.2.10',
  's=-',
  'c=IN IP4 192.0.2.10',
  't=0 0',
  'm=audio 4000 RTP/AVP 0 101',
  'a=rtpmap:101 telephone-event/8000',
  '',
].join('\r\n');

/** An INVITE from +15550001111 to `did` (from `source`, with `sdp`), as drachtio-srf hands it over. */
export function inviteTo(
  did: string,
  sipCallId: string,
  options: { readonly source?: string; readonly sdp?: string } = {},
): SipRequest & EventEmitter {
  const sdp = options.sdp ?? callerOffer;
  return sipRequestFromText(
    [
      `INVITE sip:${did}@switchboard.example.com SIP/2.0`,
      'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK74bf9',
      'Max-Forwards: 70',
      `To: <sip:${did}@switchboard.example.com>`,
      'From: "Caller" <sip:+15550001111@carrier.example.net>;tag=9fxced76sl',
      `Call-ID: ${sipCallId}`,
      'CSeq: 1 INVITE',
      'Contact: <sip:+15550001111@192.0.2.10:5060>',
      'Content-Type: application/sdp',
      `Content-Length: ${Buffer.byteLength(sdp)}`,
      '',
      sdp,
    ].join('\n'),
    { address: options.source ?? '192.0.2.10' },
  );
}

/** One response sent through {@link RecordedResponse}. */
export interface SentResponse {
  readonly status: number;
  readonly reason?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** A drachtio-shaped response that remembers what was sent. */
export class RecordedResponse implements SipResponse {
  readonly sent: SentResponse[] = [];

  get finalResponseSent(): boolean {
    return this.sent.some((response) => response.status >= 200);
  }

  /** The final response, which every request must get exactly once. */
  get final(): SentResponse | undefined {
    const finals = this.sent.filter((response) => response.status >= 200);
    if (finals.length > 1) throw new Error(`${finals.length} final responses sent`);
    return finals[0];
  }

  send(status: number, reasonOrOptions?: string | SipSendOptions, maybe?: SipSendOptions): void {
    const options = typeof reasonOrOptions === 'string' ? maybe : reasonOrOptions;
    const reason = typeof reasonOrOptions === 'string' ? reasonOrOptions : undefined;
    this.sent.push({ status, reason, headers: { ...options?.headers }, body: options?.body });
  }
}
