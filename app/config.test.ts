import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../platform/switchboard-error.ts';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('gives defaults that work on a fresh machine', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBe('postgres://127.0.0.1:5432/switchboard');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.drachtio).toMatchObject({ host: '127.0.0.1', port: 9022 });
    expect(config.freeswitch).toMatchObject({ host: '127.0.0.1', port: 8021 });
    expect(config.http.port).toBe(3000);
  });

  it('returns a frozen object, nested parts included', () => {
    const config = loadConfig({ HTTP_PORT: '8080' });
    expect(config.http.port).toBe(8080);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.http)).toBe(true);
  });

  it.each([
    ['HTTP_PORT', 'eighty', 'must be a number'],
    ['HTTP_PORT', '70000', 'between 0 and 65535'],
    ['DRACHTIO_PORT', '90.5', 'whole number'],
    ['DATABASE_URL', 'mysql://localhost/db', 'postgres://'],
    ['REDIS_URL', 'not a url', 'redis://'],
    ['LOG_LEVEL', 'loud', 'must be one of'],
    ['SHUTDOWN_DRAIN_SECONDS', '-1', 'greater than 0'],
    ['SIP_OUTBOUND_URI', 'carrier.example', 'sip: URI containing {number}'],
    ['VOICE_ENABLED', 'maybe', 'true or false'],
    ['MEDIA_ORPHAN_SWEEP_SECONDS', '0', 'greater than 0'],
    ['AUDIT_REFUSALS_PER_MINUTE', '0', 'at least 1'],
    ['AUDIT_REFUSALS_PER_MINUTE', 'lots', 'must be a number'],
  ])('names %s=%s and says what is wrong', (variable, value, problem) => {
    let error: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SwitchboardError);
    const message = (error as Error).message;
    expect(message).toContain(`${variable}="${value}"`);
    expect(message).toContain(problem);
  });

  it('bounds the audit entries anyone can cause at 10 a minute unless set', () => {
    expect(loadConfig({}).auditRefusalsPerMinute).toBe(10);
    expect(loadConfig({ AUDIT_REFUSALS_PER_MINUTE: '60' }).auditRefusalsPerMinute).toBe(60);
  });

  it('reports every bad variable at once', () => {
    expect(() => loadConfig({ HTTP_PORT: 'x', FREESWITCH_PORT: 'y' })).toThrow(
      /HTTP_PORT[\s\S]*FREESWITCH_PORT/,
    );
  });

  it('turns the voice path on by default and leaves outbound dialling unconfigured', () => {
    const config = loadConfig({});
    expect(config.voice).toEqual({
      enabled: true,
      outboundUri: undefined,
      callbackCallerId: undefined,
      whisperLanguage: 'en',
      transferNumberPrefixes: [],
      invitesPerSource: 30,
      registrationsPerSource: 200,
      trustedSources: [],
    });
    expect(config.media.orphanSweepMs).toBe(30_000);
    expect(loadConfig({ VOICE_ENABLED: 'false' }).voice.enabled).toBe(false);
  });

  it("reads the browser softphone's WebSocket servers and ICE servers, naming a bad one", () => {
    expect(loadConfig({}).sip.webSocketUris).toEqual([]);
    const config = loadConfig({
      SIP_WS_URI: 'wss://sip.example.com:8443,ws://127.0.0.1:5066',
      WEBRTC_ICE_SERVERS: 'stun:stun.example.com:3478',
      SIP_REGISTRATIONS_PER_SOURCE: '50',
    });
    expect(config.sip.webSocketUris).toEqual(['wss://sip.example.com:8443', 'ws://127.0.0.1:5066']);
    expect(config.sip.iceServerUrls).toEqual(['stun:stun.example.com:3478']);
    expect(config.voice.registrationsPerSource).toBe(50);
    expect(() => loadConfig({ SIP_WS_URI: 'https://sip.example.com' })).toThrow(
      /SIP_WS_URI.*ws:\/\/ or wss:\/\//,
    );
    expect(() => loadConfig({ WEBRTC_ICE_SERVERS: 'http://x' })).toThrow(/WEBRTC_ICE_SERVERS/);
    expect(() => loadConfig({ SIP_REGISTRATIONS_PER_SOURCE: '0' })).toThrow(
      /SIP_REGISTRATIONS_PER_SOURCE.*at least 1/,
    );
  });

  it('reads the number prefixes REFER transfers may dial, and refuses anything else', () => {
    expect(loadConfig({ SIP_TRANSFER_NUMBERS: '+1,+44' }).voice.transferNumberPrefixes).toEqual([
      '+1',
      '+44',
    ]);
    expect(() => loadConfig({ SIP_TRANSFER_NUMBERS: '1,+44' })).toThrow(
      /SIP_TRANSFER_NUMBERS.*E\.164 prefixes/,
    );
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ HTTP_PORT: '' }).http.port).toBe(3000);
  });
});
