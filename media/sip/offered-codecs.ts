import { parse, type MediaDescription } from 'sdp-transform';

/** Codecs our FreeSWITCH profile is configured for (docker/freeswitch vars: PCMU, PCMA, opus, G722). */
export const supportedCodecs: readonly string[] = ['PCMU', 'PCMA', 'OPUS', 'G722'];

/** Static RTP payload types (RFC 3551) that need no rtpmap line. */
const staticPayloads: Readonly<Record<number, string>> = { 0: 'PCMU', 8: 'PCMA', 9: 'G722' };

/** What the inbound handler needs from a caller's SDP offer, read with one parse. */
export interface AudioOffer {
  /**
   * The INVITE had no SDP (late offer): FreeSWITCH makes the offer, so there
   * is nothing to refuse for codecs.
   */
  readonly lateOffer: boolean;
  /**
   * The offered audio codecs we support, in the caller's order. Empty on an
   * early offer means the call must be refused with 488.
   */
  readonly codecs: string[];
  /**
   * Whether RFC 2833 telephone-events are offered. When they are not, keys
   * only arrive as tones in the audio, which FreeSWITCH detects once told to
   * (`start_dtmf`). A late offer counts as offering them (FreeSWITCH's own
   * offer includes them).
   */
  readonly telephoneEvents: boolean;
}

/**
 * Reads a caller's SDP once for every question the inbound handler asks
 * (parsing is a fair share of a call's set-up cost at tens of calls per
 * second).
 */
export function readAudioOffer(sdp: string, ours: readonly string[] = supportedCodecs): AudioOffer {
  if (sdp.trim() === '') return { lateOffer: true, codecs: [], telephoneEvents: true };
  const media = parse(sdp).media ?? [];
  return {
    lateOffer: false,
    codecs: codecsIn(media, ours),
    telephoneEvents: telephoneEventsIn(media),
  };
}

function codecsIn(media: readonly MediaDescription[], ours: readonly string[]): string[] {
  const offered: string[] = [];
  for (const m of media) {
    if (m.type !== 'audio' || m.port === 0) continue;
    const payloads = String(m.payloads ?? '')
      .split(/\s+/)
      .filter((p) => p !== '')
      .map(Number);
    for (const payload of payloads) {
      const mapped = m.rtp.find((rtp) => rtp.payload === payload)?.codec ?? staticPayloads[payload];
      if (mapped !== undefined) offered.push(mapped.toUpperCase());
    }
  }
  const wanted = new Set(ours.map((codec) => codec.toUpperCase()));
  return [...new Set(offered.filter((codec) => wanted.has(codec)))];
}

function telephoneEventsIn(media: readonly MediaDescription[]): boolean {
  return media.some(
    (m) => m.type === 'audio' && m.rtp.some((rtp) => rtp.codec.toLowerCase() === 'telephone-event'),
  );
}
