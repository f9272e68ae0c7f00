/**
 * Reliability: Digest password guessing against the registrar. Real: the
 * REGISTER handler as `switchboard start` wires it (voice path on the
 * drachtio-srf and fsmrf twins), Postgres for the stored HA1s, Redis for the
 * per-address throttle and nonce counts; requests parsed by drachtio-srf's
 * own parser. One address makes 200 guesses, alternating a real user with a
 * wrong password and users that do not exist, while an agent's phone at
 * another address keeps registering.
 *
 * Pass criterion (issue 22): guessing is throttled per address (after 10
 * failures every request from it is refused, the right password included,
 * before any digest work); the challenge a known and an unknown user get is
 * the same but for its fresh nonce; the other address registers throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwinVoicePath, type TwinVoicePath } from '../../app/test-twin-voice-path.ts';
import { digestHa1, expectedDigestResponse } from '../../media/registrar/digest-auth.ts';
import {
  RecordedResponse,
  sipRequestFromText,
  type SentResponse,
} from '../../media/sip/sip-request-from-text.ts';
import { createTestDatabase, type TestDatabase } from '../test-database.ts';
import { createTestRedis, type TestRedis } from '../test-redis.ts';

const realm = 'switchboard';
const attacker = '203.0.113.66';
const desk = '198.51.100.7';
let database: TestDatabase;
let testRedis: TestRedis;
let twin: TwinVoicePath;

beforeAll(async () => {
  database = await createTestDatabase();
  testRedis = createTestRedis();
  const alice = await database.db
    .insertInto('users')
    .values({
      email: 'alice@example.com',
      display_name: 'Alice',
      role: 'agent',
      password_hash: null,
      team_id: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await database.db
    .insertInto('sip_credentials')
    .values({
      user_id: alice.id,
      username: 'alice',
      realm,
      ha1: digestHa1('alice', realm, 's3cret'),
    })
    .execute();
  twin = await startTwinVoicePath({
    db: database.db,
    databaseUrl: database.url,
    testRedis,
    settings: { SIP_REALM: realm },
  });
});

afterAll(async () => {
  await twin.close();
  await testRedis.cleanup();
  await database.cleanup();
});

let cseq = 0;

/** One REGISTER from `address` for `user`, answering `nonce` with `password` when given. */
async function register(
  address: string,
  user: string,
  answer?: { readonly nonce: string; readonly password: string },
): Promise<SentResponse> {
  cseq += 1;
  const uri = 'sip:pbx.example.com';
  const nc = '00000001';
  const authorization =
    answer === undefined
      ? []
      : [
          `Authorization: Digest username="${user}", realm="${realm}", nonce="${answer.nonce}", uri="${uri}", response="${expectedDigestResponse(
            {
              username: user,
              realm,
              nonce: answer.nonce,
              uri,
              response: '',
              qop: 'auth',
              nc,
              cnonce: 'c0ffee',
            },
            'REGISTER',
            digestHa1(user, realm, answer.password),
          )}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="c0ffee"`,
        ];
  const request = sipRequestFromText(
    [
      `REGISTER ${uri} SIP/2.0`,
      `Via: SIP/2.0/UDP ${address}:5060;branch=z9hG4bK-${cseq}`,
      'Max-Forwards: 70',
      `To: <sip:${user}@pbx.example.com>`,
      `From: <sip:${user}@pbx.example.com>;tag=${cseq}`,
      `Call-ID: brute-${address}`,
      `CSeq: ${cseq} REGISTER`,
      `Contact: <sip:${user}@${address}:5060>`,
      'Expires: 600',
      ...authorization,
      'Content-Length: 0',
      '',
      '',
    ].join('\n'),
    { address },
  );
  const response = new RecordedResponse();
  twin.srf.registerHandler?.(request, response);
  // The handler is not awaitable (drachtio-srf ignores what it returns): poll briefly.
  for (let waited = 0; !response.finalResponseSent && waited < 5_000; waited += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const final = response.final;
  if (final === undefined) throw new Error(`no final response to ${user} from ${address}`);
  return final;
}

const nonceOf = (challenge: SentResponse) =>
  /nonce="([^"]+)"/.exec(challenge.headers['WWW-Authenticate'] ?? '')?.[1] ?? '';

/** The challenge with its nonce blanked: what must not differ between users. */
const shape = (challenge: SentResponse) => ({
  status: challenge.status,
  reason: challenge.reason,
  headers: {
    ...challenge.headers,
    'WWW-Authenticate': challenge.headers['WWW-Authenticate']?.replace(/nonce="[^"]+"/, 'nonce=""'),
  },
  nonceLength: nonceOf(challenge).length,
});

/** Challenge, then the right password: what the agent's phone does. */
async function deskRegisters(): Promise<number> {
  const challenge = await register(desk, 'alice');
  return (await register(desk, 'alice', { nonce: nonceOf(challenge), password: 's3cret' })).status;
}

describe('Digest brute force from one address', () => {
  it('is throttled per address, with the same challenge for known and unknown users, while another address registers', async () => {
    const statuses: number[] = [];
    const challenges = { known: [] as SentResponse[], unknown: [] as SentResponse[] };
    const deskStatuses: number[] = [];
    let nonce = '';
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const known = attempt % 2 === 0;
      const user = known ? 'alice' : `agent${attempt}`;
      const challenge = await register(attacker, user);
      if (challenge.status === 401) nonce = nonceOf(challenge);
      const answer = await register(attacker, user, { nonce, password: `guess${attempt}` });
      statuses.push(answer.status);
      if (answer.status === 401) challenges[known ? 'known' : 'unknown'].push(answer);
      if (attempt % 20 === 0) deskStatuses.push(await deskRegisters());
    }
    // 10 guesses are checked (and answered with a challenge); every later one is refused unread.
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(new Set(statuses.slice(10))).toEqual(new Set([403]));
    // The right password no longer helps from that address.
    expect((await register(attacker, 'alice', { nonce, password: 's3cret' })).status).toBe(403);
    expect((await register(attacker, 'alice')).status).toBe(403);
    // Known and unknown users: the same challenge, but for the nonce; every nonce fresh.
    expect(challenges.known.length + challenges.unknown.length).toBe(10);
    const shapes = [...challenges.known, ...challenges.unknown].map(shape);
    for (const other of shapes) expect(other).toEqual(shapes[0]);
    const nonces = [...challenges.known, ...challenges.unknown].map(nonceOf);
    expect(new Set(nonces).size).toBe(nonces.length);
    // The agent's phone elsewhere registered every time.
    expect(deskStatuses).toEqual(Array(10).fill(200));
    expect(await deskRegisters()).toBe(200);
  });
});
