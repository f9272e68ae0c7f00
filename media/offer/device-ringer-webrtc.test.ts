/**
 * Browsers as devices: a Contact with `transport=ws`/`wss` gets an INVITE
 * without SDP, its 200 OK carries its WebRTC offer, FreeSWITCH answers that
 * offer on a fresh endpoint and the answer goes back in the ACK. Twins:
 * drachtio-srf createUAC (late offer as drachtio-srf resolves it) and the
 * fsmrf media server; time is simulated.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedCallClock } from '../../ivr/simulated-call-clock.ts';
import { createLogger } from '../../platform/logger.ts';
import { MediaServerTwin } from '../freeswitch/media-server-twin.ts';
import { isWebRtcContact } from '../sip/sip-uac.ts';
import { UacTwin } from '../sip/sip-uac-twin.ts';
import { DeviceRinger } from './device-ringer.ts';

const browser = 'sip:k2j3h4@a1b2c3d4.invalid;transport=ws';
const deskPhone = 'sip:alice@198.51.100.7:5062';
const browserOffer =
  'v=0\r\ns=browser\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\na=fingerprint:sha-256 AB:CD\r\n';

function rig() {
  const clock = new SimulatedCallClock(1_700_000_000_000);
  const server = new MediaServerTwin(clock);
  const sip = new UacTwin();
  const ringer = new DeviceRinger({
    sip,
    mediaServer: () => server,
    clock,
    logger: createLogger({ level: 'silent' }),
  });
  return { clock, server, sip, ringer };
}

/** Lets the ringer's promise chains run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('DeviceRinger with a browser softphone', () => {
  it('tells browser Contacts from desk phones by their WebSocket transport', () => {
    expect(isWebRtcContact(browser)).toBe(true);
    expect(isWebRtcContact('sip:x@y.invalid;transport=wss;ob')).toBe(true);
    expect(isWebRtcContact('sip:x@y.invalid;TRANSPORT=WS')).toBe(true);
    expect(isWebRtcContact(deskPhone)).toBe(false);
    expect(isWebRtcContact('sip:alice@198.51.100.7;transport=tcp')).toBe(false);
    expect(isWebRtcContact('sip:wsuser@198.51.100.7;transport=udp')).toBe(false);
  });

  it('rings a browser without SDP and answers its offer through FreeSWITCH in the ACK', async () => {
    const { server, sip, ringer } = rig();
    const ringing = ringer.ring([browser], {
      timeoutMs: 20_000,
      headers: { 'X-Switchboard-Offer': 'offer-1' },
    });
    await settle();
    const [invite] = sip.ringing(browser);
    expect(invite?.localSdp).toBeUndefined();
    expect(invite?.headers['X-Switchboard-Offer']).toBe('offer-1');
    // No endpoint is made before the browser answers: it has no offer to answer yet.
    expect(server.endpoints).toHaveLength(0);

    invite?.answer(browserOffer);
    const outcome = await ringing;

    expect(outcome.kind).toBe('answered');
    expect(server.endpoints).toHaveLength(1);
    const endpoint = server.endpoints[0];
    expect(endpoint?.remoteSdp).toBe(browserOffer);
    expect(invite?.ackedWith).toBe(endpoint?.local.sdp);
    if (outcome.kind === 'answered') {
      expect(outcome.uri).toBe(browser);
      expect(outcome.leg.endpoint).toBe(endpoint);
    }
  });

  it('rings a desk phone and a browser together; the browser answering releases the shared endpoint', async () => {
    const { server, sip, ringer } = rig();
    const ringing = ringer.ring([deskPhone, browser], { timeoutMs: 20_000 });
    await settle();
    const [phoneInvite] = sip.ringing(deskPhone);
    const shared = server.endpoints[0];
    expect(phoneInvite?.localSdp).toBe(shared?.local.sdp);
    expect(sip.ringing(browser)[0]?.localSdp).toBeUndefined();

    sip.ringing(browser)[0]?.answer(browserOffer);
    const outcome = await ringing;

    expect(outcome.kind).toBe('answered');
    expect(phoneInvite?.state).toBe('cancelled');
    expect(shared?.destroyed).toBe(true);
    const browserEndpoint = server.endpoints[1];
    expect(browserEndpoint?.remoteSdp).toBe(browserOffer);
    expect(browserEndpoint?.destroyed).toBe(false);
  });

  it('keeps the desk phone path when the desk phone answers first', async () => {
    const { server, sip, ringer } = rig();
    const ringing = ringer.ring([deskPhone, browser], { timeoutMs: 20_000 });
    await settle();
    sip.ringing(deskPhone)[0]?.answer('v=0\r\ns=phone\r\n');
    const outcome = await ringing;

    expect(outcome.kind).toBe('answered');
    expect(sip.invites.find((invite) => invite.uri === browser)?.state).toBe('cancelled');
    expect(server.endpoints).toHaveLength(1);
    if (outcome.kind === 'answered') expect(outcome.leg.endpoint).toBe(server.endpoints[0]);
  });

  it('hangs the browser up and reports a failure when FreeSWITCH refuses its offer', async () => {
    const { server, sip, ringer } = rig();
    const ringing = ringer.ring([browser], { timeoutMs: 20_000 });
    await settle();
    server.failCreate = new Error('488 Not Acceptable Here');
    const dialog = sip.ringing(browser)[0]?.answer(browserOffer);
    const outcome = await ringing;

    expect(outcome).toEqual({ kind: 'failed', reason: 'media negotiation failed' });
    expect(dialog?.destroyed).toBe(true);
  });

  it('cancels a ringing browser when the offer is withdrawn, leaving no endpoint', async () => {
    const { server, sip, ringer } = rig();
    const controller = new AbortController();
    const ringing = ringer.ring([browser], { timeoutMs: 20_000, signal: controller.signal });
    await settle();
    controller.abort();
    const outcome = await ringing;

    expect(outcome.kind).toBe('cancelled');
    expect(sip.invites[0]?.state).toBe('cancelled');
    expect(server.currentSessions).toBe(0);
  });

  it('rings out a browser that never answers', async () => {
    const { clock, server, sip, ringer } = rig();
    const ringing = ringer.ring([browser], { timeoutMs: 20_000 });
    await settle();
    await clock.advance(20_000);
    const outcome = await ringing;

    expect(outcome).toEqual({ kind: 'noAnswer', status: 408 });
    expect(sip.invites[0]?.state).toBe('cancelled');
    expect(server.currentSessions).toBe(0);
  });
});
