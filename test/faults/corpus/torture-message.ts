/**
 * The parser torture messages of RFC 4475 section 3.1 ("SIP Torture Test
 * Messages"), written from the RFC's examples: each keeps the defect or
 * oddity its section is about (folded and oddly spaced headers, escapes,
 * NULs, long values, bad lengths, bad quoting, bad versions...). Lines are
 * joined with CRLF; `<hex>` notation of the RFC is written as JS escapes, and
 * the RFC's `<repeat>` notation as `repeat()`. The two response messages
 * (3.1.1.12-13) and the two invalid responses (3.1.2.5, 3.1.2.19) are
 * included too: they reach drachtio-srf's parser, never a request handler.
 */

/** One torture message: its RFC section, its name there, and whether the RFC calls it valid. */
export interface TortureMessage {
  readonly section: string;
  readonly name: string;
  readonly valid: boolean;
  readonly text: string;
}

export const sdp = [
  'v=0',
  'o=mhandley 29739 7272939 IN IP4 192.0.2.3',
  's=-',
  'c=IN IP4 192.0.2.4',
  't=0 0',
  'm=audio 49217 RTP/AVP 0 12',
  'm=video 3227 RTP/AVP 31',
  'a=rtpmap:31 LPC',
  '',
].join('\r\n');

/** Head lines, then an empty line, then `body` (a Content-Length header is the caller's business). */
export function message(head: readonly string[], body = ''): string {
  return `${head.join('\r\n')}\r\n\r\n${body}`;
}

export const length = (body: string) => Buffer.byteLength(body);

/** An invalid message whose body is the common SDP. */
export function invalid(section: string, name: string, head: readonly string[]): TortureMessage {
  return { section, name, valid: false, text: message(head, sdp) };
}
