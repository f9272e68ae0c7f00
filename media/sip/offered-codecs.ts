import { parse } from 'sdp-transform';

/** Codecs our FreeSWITCH profile is configured for (docker/freeswitch vars: PCMU, PCMA, opus, G722). */
export const supportedCodecs: readonly string[] = ['PCMU', 'PCMA', 'OPUS', 'G722'];

/** Static RTP payload types (RFC 3551) that need no rtpmap line. */
const staticPayloads: Readonly<Record<number, string>> = { 0: 'PCMU', 8: 'PCMA', 9: 'G722' };

/**
 * The audio codecs a caller's SDP offer has in common with ours, in the
 * caller's order. Empty means the call must be refused with 488; an INVITE
 * without SDP (late offer) is not refused here, FreeSWITCH makes the offer.
 */
export function commonAudioCodecs(
  sdp: string,
  ours: readonly string[] = supportedCodecs,
): string[] {
  const offered: string[] = [];
  for (const media of parse(sdp).media ?? []) {
    if (media.type !== 'audio' || media.port === 0) continue;
    const payloads = String(media.payloads ?? '')
      .split(/\s+/)
      .filter((p) => p !== '')
      .map(Number);
    for (const payload of payloads) {
      const mapped =
        media.rtp.find((rtp) => rtp.payload === payload)?.codec ?? staticPayloads[payload];
      if (mapped !== undefined) offered.push(mapped.toUpperCase());
    }
  }
  const wanted = new Set(ours.map((codec) => codec.toUpperCase()));
  return [...new Set(offered.filter((codec) => wanted.has(codec)))];
}

/**
 * Whether the caller's SDP offers RFC 2833 telephone-events. When it does not,
 * keys only arrive as tones in the audio, which FreeSWITCH detects once told
 * to (`start_dtmf`). An INVITE without SDP counts as offering them
 * (FreeSWITCH's own offer includes them).
 */
export function offersTelephoneEvents(sdp: string): boolean {
  if (sdp.trim() === '') return true;
  return (parse(sdp).media ?? []).some(
    (media) =>
      media.type === 'audio' &&
      media.rtp.some((rtp) => rtp.codec.toLowerCase() === 'telephone-event'),
  );
}
