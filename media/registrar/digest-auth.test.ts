import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock.ts';
import { sipRequestFromText } from '../sip/sip-request-from-text.ts';
import {
  DigestAuthenticator,
  digestCredentialsFrom,
  digestHa1,
  expectedDigestResponse,
} from './digest-auth.ts';

// Vectors computed independently with md5sum (see media/README.md).
const aliceHa1 = '11a50382aa1ca47b3227a9ce9b3f4c90'; // alice:switchboard:s3cret

function register(authorization: string) {
  return sipRequestFromText(`REGISTER sip:pbx.example.com SIP/2.0
Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds
Max-Forwards: 70
To: <sip:alice@pbx.example.com>
From: <sip:alice@pbx.example.com>;tag=1928301774
Call-ID: a84b4c76e66710@192.0.2.10
CSeq: 2 REGISTER
Contact: <sip:alice@192.0.2.10:5060>
Authorization: ${authorization}
Content-Length: 0

`);
}

describe('digest verification (RFC 2617, MD5)', () => {
  it('computes HA1 as MD5(username:realm:password)', () => {
    expect(digestHa1('alice', 'switchboard', 's3cret')).toBe(aliceHa1);
  });

  it('reproduces the RFC 2617 section 3.5 example', () => {
    const response = expectedDigestResponse(
      {
        username: 'Mufasa',
        realm: 'testrealm@host.com',
        nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
        uri: '/dir/index.html',
        response: '',
        qop: 'auth',
        nc: '00000001',
        cnonce: '0a4f113b',
      },
      'GET',
      digestHa1('Mufasa', 'testrealm@host.com', 'Circle Of Life'),
    );
    expect(response).toBe('6629fae49393a05397450978507c4ef1');
  });

  it.each([
    [
      'qop=auth',
      'Digest username="alice", realm="switchboard", nonce="abc123", uri="sip:pbx.example.com", response="05a94fb3075f9a936d6c542ef41ca56e", algorithm=MD5, qop=auth, nc=00000001, cnonce="f00dcafe"',
    ],
    [
      'no qop (RFC 2069)',
      'Digest username="alice", realm="switchboard", nonce="abc123", uri="sip:pbx.example.com", response="28239802159c2671b3d4020efb104653"',
    ],
  ])('reads and checks a REGISTER Authorization with %s', (_label, header) => {
    const request = register(header);
    const credentials = digestCredentialsFrom(request.getParsedHeader('authorization')[0]);
    expect(credentials).toMatchObject({ username: 'alice', realm: 'switchboard', nonce: 'abc123' });
    if (credentials === undefined) return;
    expect(expectedDigestResponse(credentials, 'REGISTER', aliceHa1)).toBe(credentials.response);
    const authenticator = new DigestAuthenticator({
      realm: 'switchboard',
      secret: 'test',
      clock: new ManualClock(0),
    });
    expect(authenticator.verify(credentials, 'REGISTER', aliceHa1)).toBe(true);
    expect(
      authenticator.verify(credentials, 'REGISTER', digestHa1('alice', 'switchboard', 'x')),
    ).toBe(false);
    expect(authenticator.verify(credentials, 'INVITE', aliceHa1)).toBe(false);
    expect(authenticator.verify(credentials, 'REGISTER', undefined)).toBe(false);
  });

  it('refuses a credential for another realm or algorithm', () => {
    const authenticator = new DigestAuthenticator({
      realm: 'switchboard',
      secret: 'test',
      clock: new ManualClock(0),
    });
    const base = {
      username: 'alice',
      realm: 'switchboard',
      nonce: 'abc123',
      uri: 'sip:pbx.example.com',
      response: '28239802159c2671b3d4020efb104653',
    };
    expect(authenticator.verify(base, 'REGISTER', aliceHa1)).toBe(true);
    expect(authenticator.verify({ ...base, algorithm: 'SHA-256' }, 'REGISTER', aliceHa1)).toBe(
      false,
    );
    expect(authenticator.verify({ ...base, realm: 'elsewhere' }, 'REGISTER', aliceHa1)).toBe(false);
  });

  it('ignores non-Digest or incomplete credentials', () => {
    expect(digestCredentialsFrom({ scheme: 'Basic', username: 'alice' })).toBeUndefined();
    const request = register('Digest username="alice", realm="switchboard", nonce="n"');
    expect(digestCredentialsFrom(request.getParsedHeader('authorization')[0])).toBeUndefined();
  });
});

describe('DigestAuthenticator nonces', () => {
  it('accepts its own fresh nonces, calls old ones stale and altered ones forged', () => {
    const clock = new ManualClock(1_700_000_000_000);
    const authenticator = new DigestAuthenticator({
      realm: 'switchboard',
      secret: 'secret-a',
      clock,
      nonceLifetimeMs: 60_000,
    });
    const challenge = authenticator.challenge();
    expect(challenge).toMatch(
      /^Digest realm="switchboard", nonce="[0-9a-f]+\.[0-9a-f]{16}\.[0-9a-f]{64}", algorithm=MD5, qop="auth"$/,
    );
    const nonce = /nonce="([^"]+)"/.exec(challenge)?.[1] ?? '';
    // Unique even within one millisecond, so that each nonce's uses can be counted.
    expect(/nonce="([^"]+)"/.exec(authenticator.challenge())?.[1]).not.toBe(nonce);
    expect(authenticator.nonceState(nonce)).toBe('valid');
    const other = new DigestAuthenticator({ realm: 'switchboard', secret: 'secret-b', clock });
    expect(other.nonceState(nonce)).toBe('forged');
    const altered = `${nonce.slice(0, -1)}${nonce.endsWith('0') ? '1' : '0'}`;
    expect(authenticator.nonceState(altered)).toBe('forged');
    expect(authenticator.nonceState('abc123')).toBe('forged');
    clock.advance(60_001);
    expect(authenticator.nonceState(nonce)).toBe('stale');
    expect(authenticator.challenge({ stale: true })).toMatch(/, stale=TRUE$/);
  });
});
