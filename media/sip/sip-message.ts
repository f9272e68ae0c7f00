/**
 * The parts of drachtio-srf's request, response and dialog objects that
 * Switchboard uses, as small interfaces. Real drachtio objects satisfy them
 * structurally; tests pass drachtio's own parser output or in-process twins.
 * Keeping to these shapes is what lets the same handlers run against a real
 * drachtio-server and against the twins.
 */
import { decodePercentEscapes } from '../../platform/percent-decoding.ts';

/** A name-addr as drachtio parses it: `"Alice" <sip:alice@host>;tag=1`. */
export interface ParsedNameAddr {
  readonly name?: string;
  readonly uri: string;
  readonly params: Readonly<Record<string, string | undefined>>;
}

/**
 * A parsed `Authorization` credential. drachtio keeps the quotes of quoted
 * values (`username: '"alice"'`); {@link unquote} strips them.
 */
export type ParsedAuthorization = Readonly<Record<string, string | undefined>> & {
  readonly scheme?: string;
};

/** An incoming SIP request (drachtio-srf `Request`). */
export interface SipRequest {
  readonly method: string;
  readonly uri: string;
  readonly body: string;
  /** Where the request came from (drachtio `source_address`). */
  readonly source_address: string;
  /** Header value, or undefined when absent. */
  get(name: string): string | undefined;
  has(name: string): boolean;
  getParsedHeader(name: 'contact' | 'Contact'): readonly ParsedNameAddr[] | '*';
  getParsedHeader(name: 'to' | 'from' | 'To' | 'From' | 'refer-to' | 'Refer-To'): ParsedNameAddr;
  getParsedHeader(name: 'authorization' | 'Authorization'): readonly ParsedAuthorization[];
  /** drachtio emits `cancel` when the caller sends CANCEL for a pending INVITE. */
  on(event: 'cancel', listener: () => void): unknown;
}

/** Options drachtio-srf's `res.send` takes. */
export interface SipSendOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** The response to an incoming request (drachtio-srf `Response`). */
export interface SipResponse {
  /** True once a final (>= 200) response has gone out. */
  readonly finalResponseSent: boolean;
  send(status: number, options?: SipSendOptions): void;
  send(status: number, reason: string, options?: SipSendOptions): void;
}

/** An established SIP dialog (drachtio-srf `Dialog`). */
export interface SipDialog {
  readonly sip: { readonly callId: string };
  readonly remote: { readonly sdp: string };
  readonly local: { readonly sdp: string };
  /** Sends BYE. Resolves once drachtio has sent it. */
  destroy(options?: { readonly headers?: Readonly<Record<string, string>> }): Promise<unknown>;
  /** Sends a re-INVITE with `sdp`; resolves with the far end's answer SDP. */
  modify(sdp: string): Promise<string>;
  /**
   * `destroy`: the far end sent BYE. `refer`: the far end asks to transfer.
   * `ack`: the caller acknowledged our 200 OK (a UAS dialog; drachtio-srf
   * resolves `createUAS` when the 200 goes out, before the ACK).
   */
  on(event: 'destroy' | 'ack', listener: () => void): unknown;
  on(event: 'refer', listener: (request: SipRequest, response: SipResponse) => void): unknown;
}

/** Removes the surrounding quotes drachtio leaves on quoted header parameters. */
export function unquote(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return value;
}

/** The longest URI user part Switchboard keeps; numbers are far shorter, and records and logs stay bounded. */
export const maxUriUserLength = 128;

/**
 * The user part of a `sip:` URI (`sip:+15551234567@host` gives
 * `+15551234567`), as text that is safe to store and show. A SIP peer
 * controls it entirely: percent escapes are decoded where they are valid
 * UTF-8 and kept as written where not (`%C3%28` once threw `URIError` and
 * ended the process), control characters (NUL included, which Postgres
 * refuses) are dropped, and it is cut at {@link maxUriUserLength}.
 */
export function uriUser(uri: string): string | undefined {
  const match = /^\s*sips?:([^@;>]+)@/i.exec(uri);
  if (match?.[1] === undefined) return undefined;
  const user = [...decodePercentEscapes(match[1]).replace(/\p{Cc}/gu, '')]
    .slice(0, maxUriUserLength)
    .join('');
  return user === '' ? undefined : user;
}

/**
 * The URI of a name-addr header (`From`, `To`, `Refer-To`), or undefined when
 * the header is missing or drachtio-srf cannot parse it (its parser throws
 * for an absent header).
 */
export function headerUri(
  request: SipRequest,
  name: 'From' | 'To' | 'Refer-To',
): string | undefined {
  try {
    return request.has(name) ? request.getParsedHeader(name).uri : undefined;
  } catch {
    return undefined;
  }
}
