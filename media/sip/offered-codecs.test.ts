import { describe, expect, it } from 'vitest';
import { readAudioOffer } from './offered-codecs.ts';

const offer = (mLine: string, rtpmaps: string[] = []) =>
  [
    'v=0',
    'o=- 1 1 IN IP4 192.0.2.10',
    's=-',
    'c=IN IP4 192.0.2.10',
    't=0 0',
    mLine,
    ...rtpmaps,
    '',
  ].join('\r\n');

describe('readAudioOffer: codecs in common', () => {
  it.each([
    [
      'static PCMU/PCMA',
      offer('m=audio 4000 RTP/AVP 0 8 101', ['a=rtpmap:101 telephone-event/8000']),
      ['PCMU', 'PCMA'],
    ],
    ['opus by rtpmap', offer('m=audio 4000 RTP/AVP 111', ['a=rtpmap:111 opus/48000/2']), ['OPUS']],
    ['G.729 only', offer('m=audio 4000 RTP/AVP 18', ['a=rtpmap:18 G729/8000']), []],
    ['audio port 0 (declined)', offer('m=audio 0 RTP/AVP 0'), []],
    ['video only', offer('m=video 4002 RTP/AVP 96', ['a=rtpmap:96 H264/90000']), []],
  ])('%s', (_label, sdp, codecs) => {
    expect(readAudioOffer(sdp).codecs).toEqual(codecs);
  });
});

describe('readAudioOffer: telephone-events', () => {
  it.each([
    [
      'RFC 2833 offered',
      offer('m=audio 4000 RTP/AVP 0 101', ['a=rtpmap:101 telephone-event/8000']),
      true,
    ],
    ['no telephone-event', offer('m=audio 4000 RTP/AVP 0 8'), false],
    ['no SDP (late offer)', '', true],
  ])('%s', (_, sdp, expected) => {
    expect(readAudioOffer(sdp).telephoneEvents).toBe(expected);
  });
});

describe('readAudioOffer', () => {
  it('answers both questions from one offer', () => {
    const sdp = offer('m=audio 4000 RTP/AVP 18 8 0', ['a=rtpmap:18 G729/8000']);
    expect(readAudioOffer(sdp)).toEqual({
      lateOffer: false,
      codecs: ['PCMA', 'PCMU'],
      telephoneEvents: false,
    });
  });

  it('treats a late offer as refusing nothing and offering telephone-events', () => {
    expect(readAudioOffer('')).toEqual({ lateOffer: true, codecs: [], telephoneEvents: true });
  });
});
