/**
 * Registrar against real Redis (bindings, throttle) and real Postgres
 * (sip_credentials); REGISTER requests are parsed from SIP text by
 * drachtio-srf's own parser.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { ManualClock } from '../../platform/clock.ts';
import { createLogger } from '../../platform/logger.ts';
import { connectDatabase } from '../../sql/connect-database.ts';
import { SipCredentialRepository } from '../../sql/repositories/sip-credential-repository.ts';
import { createTestDatabase, type TestDatabase } from '../../test/test-database.ts';
import { createTestRedis, type TestRedis } from '../../test/test-redis.ts';
import { RecordedResponse, sipRequestFromText } from '../sip/sip-request-from-text.ts';
import { DigestAuthenticator, digestHa1, expectedDigestResponse } from './digest-auth.ts';
import { Registrar, type RegistrarOptions } from './registrar.ts';
import { RegistrationStore } from './registration-store.ts';
import { NonceUses } from './nonce-uses.ts';
import { RegistrationThrottle } from './registration-throttle.ts';

const realm = 'switchboard';
let database: TestDatabase;
let testRedis: TestRedis;
let redis: Redis;
let aliceId: string;
let prefixCount = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  testRedis = createTestRedis();
  redis = testRedis.connect();
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
  aliceId = alice.id;
  await database.db
    .insertInto('sip_credentials')
    .values({
      user_id: aliceId,
      username: 'alice',
      realm,
      ha1: digestHa1('alice', realm, 's3cret'),
    })
    .execute();
});

afterAll(async () => {
  await testRedis.cleanup();
  await database.cleanup();
});

interface Phone {
  readonly address: string;
  readonly contact: string;
  readonly callId: string;
  cseq: number;
}

let clock: ManualClock;
let registrar: Registrar;
let store: RegistrationStore;

/** A registrar (and its store) on keys of its own, over the test database; `limits` as options. */
function useRegistrar(
  keyPrefix: string,
  limits: Pick<RegistrarOptions, 'maxDevicesPerUser' | 'registrationsPerSource' | 'trustedSource'>,
): void {
  store = new RegistrationStore(redis, clock, keyPrefix);
  registrar = new Registrar({
    authenticator: new DigestAuthenticator({ realm, secret: 'test-secret', clock }),
    credentials: new SipCredentialRepository(database.db),
    store,
    throttle: new RegistrationThrottle(redis, { keyPrefix, maxFailures: 3 }),
    nonceUses: new NonceUses(redis, { keyPrefix, lifetimeMs: 5 * 60_000 }),
    ...limits,
    clock,
    logger: createLogger({ level: 'silent' }),
  });
}

beforeEach(() => {
  clock = new ManualClock(1_800_000_000_000);
  prefixCount += 1;
  useRegistrar(`${testRedis.keyPrefix}${prefixCount}:`, { maxDevicesPerUser: 3 });
});

function phone(address: string, port = 5060): Phone {
  return {
    address,
    contact: `sip:alice@${address}:${port}`,
    callId: `call-${address}-${port}`,
    cseq: 0,
  };
}

function registerText(
  device: Phone,
  options: { authorization?: string; expires?: number; contact?: string; user?: string },
) {
  device.cseq += 1;
  const user = options.user ?? 'alice';
  const lines = [
    `REGISTER sip:pbx.example.com SIP/2.0`,
    `Via: SIP/2.0/UDP ${device.address}:5060;branch=z9hG4bK${device.cseq}x${device.address}`,
    `Max-Forwards: 70`,
    `To: <sip:${user}@pbx.example.com>`,
    `From: <sip:${user}@pbx.example.com>;tag=${device.cseq}77`,
    `Call-ID: ${device.callId}`,
    `CSeq: ${device.cseq} REGISTER`,
    `Contact: ${options.contact ?? `<${device.contact}>`}`,
    ...(options.expires === undefined ? [] : [`Expires: ${options.expires}`]),
    ...(options.authorization === undefined ? [] : [`Authorization: ${options.authorization}`]),
    'User-Agent: baresip v3.10.1',
    'Content-Length: 0',
    '',
    '',
  ];
  return sipRequestFromText(lines.join('\n'), { address: device.address });
}

function authorizationFor(
  challenge: string,
  username: string,
  password: string,
  /** null: no qop, so no count (an old-style digest answer). */
  nc: string | null = '00000001',
): string {
  const nonce = /nonce="([^"]+)"/.exec(challenge)?.[1] ?? '';
  const base = {
    username,
    realm,
    nonce,
    uri: 'sip:pbx.example.com',
    response: '',
    ...(nc === null ? {} : { qop: 'auth', nc, cnonce: 'c0ffee' }),
  };
  const response = expectedDigestResponse(base, 'REGISTER', digestHa1(username, realm, password));
  const counted = nc === null ? '' : `, qop=auth, nc=${nc}, cnonce="c0ffee"`;
  return `Digest username="${username}", realm="${realm}", nonce="${nonce}", uri="sip:pbx.example.com", response="${response}", algorithm=MD5${counted}`;
}

async function send(request: ReturnType<typeof registerText>) {
  const response = new RecordedResponse();
  await registrar.handle(request, response);
  const final = response.final;
  if (final === undefined) throw new Error('no final response');
  return final;
}

/** Challenge, then answer it: what a softphone does. */
async function register(
  device: Phone,
  options: { password?: string; user?: string; expires?: number; contact?: string } = {},
) {
  const challenge = await send(registerText(device, options));
  expect(challenge.status).toBe(401);
  const authorization = authorizationFor(
    challenge.headers['WWW-Authenticate'] ?? '',
    options.user ?? 'alice',
    options.password ?? 's3cret',
  );
  return send(registerText(device, { ...options, authorization }));
}

describe('Registrar', () => {
  it('challenges, then binds a device that answers with the right password', async () => {
    const desk = phone('198.51.100.7');
    const ok = await register(desk, { expires: 600 });
    expect(ok.status).toBe(200);
    expect(ok.headers.Contact).toBe(`<${desk.contact}>;expires=600`);
    const bindings = await store.bindings(aliceId);
    expect(bindings.map((b) => b.contact)).toEqual([desk.contact]);
    expect(bindings[0]?.userAgent).toBe('baresip v3.10.1');
  });

  it('keeps several devices per agent and lets each lapse at its own expiry', async () => {
    const desk = phone('198.51.100.7');
    const mobile = phone('203.0.113.9', 5062);
    expect((await register(desk, { expires: 600 })).status).toBe(200);
    const second = await register(mobile, { expires: 120 });
    expect(second.headers.Contact).toBe(
      `<${desk.contact}>;expires=600, <${mobile.contact}>;expires=120`,
    );
    clock.advance(121_000);
    expect((await store.bindings(aliceId)).map((b) => b.contact)).toEqual([desk.contact]);
  });

  it('shortens long registrations and refuses too-brief ones with 423', async () => {
    const desk = phone('198.51.100.7');
    expect((await register(desk, { expires: 86_400 })).headers.Contact).toMatch(/expires=3600$/);
    const brief = await register(phone('198.51.100.8'), { expires: 10 });
    expect(brief.status).toBe(423);
    expect(brief.headers['Min-Expires']).toBe('60');
  });

  it('removes one binding with Expires: 0 and all with Contact: *', async () => {
    const desk = phone('198.51.100.7');
    const mobile = phone('203.0.113.9');
    await register(desk, { expires: 600 });
    await register(mobile, { expires: 600 });
    expect((await register(desk, { expires: 0 })).status).toBe(200);
    expect((await store.bindings(aliceId)).map((b) => b.contact)).toEqual([mobile.contact]);
    expect((await register(mobile, { expires: 0, contact: '*' })).status).toBe(200);
    expect(await store.bindings(aliceId)).toEqual([]);
  });

  it('answers a wrong password and an unknown user with the same challenge', async () => {
    const wrong = await register(phone('198.51.100.20'), { password: 'guess' });
    const unknown = await register(phone('198.51.100.21'), { user: 'mallory', password: 'guess' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const shape = (header: string | undefined) => header?.replace(/nonce="[^"]+"/, 'nonce="N"');
    expect(shape(wrong.headers['WWW-Authenticate'])).toBe(
      shape(unknown.headers['WWW-Authenticate']),
    );
    expect(wrong.reason).toBe(unknown.reason);
    expect(await store.bindings(aliceId)).toEqual([]);
  });

  it('challenges a phone whose Authorization header drachtio-srf cannot parse, as if it sent none', async () => {
    const desk = phone('198.51.100.7');
    for (const authorization of ['Digest username=', 'Digest username="alice", realm']) {
      const challenge = await send(registerText(desk, { authorization }));
      expect(challenge.status, authorization).toBe(401);
    }
  });

  it('refuses an address after repeated failures, even with the right password', async () => {
    const attacker = phone('192.0.2.66');
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await register(attacker, { password: `guess-${attempt}` })).status).toBe(401);
    }
    expect((await send(registerText(attacker, {}))).status).toBe(403);
    const elsewhere = await register(phone('192.0.2.67'));
    expect(elsewhere.status).toBe(200);
  });

  it('tells a phone with an old nonce that it is stale, without counting a failure', async () => {
    const desk = phone('198.51.100.7');
    const challenge = await send(registerText(desk, {}));
    clock.advance(10 * 60_000);
    const authorization = authorizationFor(
      challenge.headers['WWW-Authenticate'] ?? '',
      'alice',
      's3cret',
    );
    for (let attempt = 0; attempt < 4; attempt++) {
      const stale = await send(registerText(desk, { authorization }));
      expect(stale.status).toBe(401);
      expect(stale.headers['WWW-Authenticate']).toMatch(/stale=TRUE/);
    }
    expect((await register(desk)).status).toBe(200);
  });

  it("refuses a forged nonce and a user binding another user's address", async () => {
    const desk = phone('198.51.100.7');
    const forged = authorizationFor('nonce="1234.abcd"', 'alice', 's3cret');
    expect((await send(registerText(desk, { authorization: forged }))).status).toBe(401);
    const challenge = await send(registerText(desk, {}));
    const authorization = authorizationFor(
      challenge.headers['WWW-Authenticate'] ?? '',
      'alice',
      's3cret',
    );
    const other = await send(registerText(desk, { authorization, user: 'bob' }));
    expect(other.status).toBe(403);
  });
});

describe('Registrar against replay and device floods', () => {
  it('refuses an authorization used a second time, even from elsewhere with another Contact', async () => {
    const desk = phone('198.51.100.7');
    const challenge = await send(registerText(desk, {}));
    const authorization = authorizationFor(
      challenge.headers['WWW-Authenticate'] ?? '',
      'alice',
      's3cret',
    );
    expect((await send(registerText(desk, { authorization }))).status).toBe(200);
    const attacker = phone('203.0.113.66');
    const replayed = await send(registerText(attacker, { authorization }));
    expect(replayed.status).toBe(401);
    expect(replayed.headers['WWW-Authenticate']).toMatch(/stale=TRUE/);
    expect((await store.bindings(aliceId)).map((b) => b.contact)).toEqual([desk.contact]);
  });

  it('accepts the same nonce again with a rising nonce count, as phones re-register', async () => {
    const desk = phone('198.51.100.7');
    const challenge = (await send(registerText(desk, {}))).headers['WWW-Authenticate'] ?? '';
    for (const nc of ['00000001', '00000002', '0000000a']) {
      const authorization = authorizationFor(challenge, 'alice', 's3cret', nc);
      expect((await send(registerText(desk, { authorization }))).status, nc).toBe(200);
    }
    const older = authorizationFor(challenge, 'alice', 's3cret', '00000003');
    expect((await send(registerText(desk, { authorization: older }))).status).toBe(401);
  });

  it('refuses an authorization without qop, which carries no count to check', async () => {
    const desk = phone('198.51.100.7');
    const challenge = (await send(registerText(desk, {}))).headers['WWW-Authenticate'] ?? '';
    const authorization = authorizationFor(challenge, 'alice', 's3cret', null);
    expect((await send(registerText(desk, { authorization }))).status).toBe(401);
    expect(await store.bindings(aliceId)).toEqual([]);
  });

  it('refuses a device past the per-user limit with 403, keeping the others', async () => {
    const devices = ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4'].map((a) =>
      phone(a),
    );
    for (const device of devices.slice(0, 3)) {
      expect((await register(device, { expires: 600 })).status).toBe(200);
    }
    const fourth = await register(devices[3]!, { expires: 600 });
    expect(fourth.status).toBe(403);
    expect(fourth.reason).toMatch(/Too Many Devices/);
    expect(await store.bindings(aliceId)).toHaveLength(3);
    // Refreshing one already registered is not a new device.
    expect((await register(devices[0]!, { expires: 600 })).status).toBe(200);
  });
});

describe('Registrar, registrations per source address', () => {
  function limitedTo(limit: number) {
    useRegistrar(`${testRedis.keyPrefix}source${prefixCount}:`, {
      maxDevicesPerUser: 10,
      registrationsPerSource: limit,
      trustedSource: (address) => address === '203.0.113.9',
    });
  }

  it('refuses a registration past the limit from one address, counting refreshes and removals right', async () => {
    limitedTo(2);
    const [first, second, third] = [5061, 5062, 5063].map((port) => phone('198.51.100.20', port));
    expect((await register(first!, { expires: 600 })).status).toBe(200);
    expect((await register(second!, { expires: 600 })).status).toBe(200);
    const refused = await register(third!, { expires: 600 });
    expect(refused.status).toBe(403);
    expect(refused.reason).toBe('Too Many Registrations From This Address');
    // A refresh is not a new registration; another address is not this one.
    expect((await register(first!, { expires: 600 })).status).toBe(200);
    expect((await register(phone('198.51.100.21'), { expires: 600 })).status).toBe(200);
    // One phone leaves: the place is free again.
    expect((await register(second!, { expires: 0 })).status).toBe(200);
    expect((await register(third!, { expires: 600 })).status).toBe(200);
    // Lapsed registrations (first and third) stop counting: two new ones fit.
    clock.advance(601_000);
    expect((await register(second!, { expires: 600 })).status).toBe(200);
    expect((await register(phone('198.51.100.20', 5064), { expires: 600 })).status).toBe(200);
  });

  it('lets a trusted address (an office gateway) register past the limit', async () => {
    limitedTo(1);
    for (const port of [5061, 5062, 5063]) {
      expect((await register(phone('203.0.113.9', port), { expires: 600 })).status).toBe(200);
    }
  });
});

describe('Registrar logs', () => {
  /** A registrar whose log lines are kept, over `credentials` (the test database by default). */
  function logged(credentials = new SipCredentialRepository(database.db)) {
    const lines: { level: number; msg: string }[] = [];
    const keyPrefix = `${testRedis.keyPrefix}logs${prefixCount}:`;
    const throttle = new RegistrationThrottle(redis, { keyPrefix, maxFailures: 1 });
    registrar = new Registrar({
      authenticator: new DigestAuthenticator({ realm, secret: 'test-secret', clock }),
      credentials,
      store: new RegistrationStore(redis, clock, keyPrefix),
      throttle,
      nonceUses: new NonceUses(redis, { keyPrefix, lifetimeMs: 5 * 60_000 }),
      clock,
      logger: createLogger(
        { level: 'info' },
        { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) },
      ),
    });
    return { lines, throttle };
  }

  it('logs a throttled address as a refusal at info level, and a lost database as an error', async () => {
    const { lines, throttle } = logged();
    const attacker = phone('192.0.2.70');
    await throttle.recordFailure(attacker.address);
    expect((await send(registerText(attacker, {}))).status).toBe(403);
    expect(lines.map((line) => [line.level, line.msg])).toEqual([[30, 'register refused']]);

    // A real Postgres client pointed at a port nothing listens on.
    const unreachable = connectDatabase('postgres://127.0.0.1:1/switchboard', {
      maxConnections: 1,
    });
    try {
      const failing = logged(new SipCredentialRepository(unreachable));
      const desk = phone('198.51.100.9');
      const challenge = await send(registerText(desk, {}));
      const authorization = authorizationFor(
        challenge.headers['WWW-Authenticate'] ?? '',
        'alice',
        's3cret',
      );
      expect((await send(registerText(desk, { authorization }))).status).toBe(500);
      expect(failing.lines.map((line) => [line.level, line.msg])).toEqual([
        [50, 'register failed'],
      ]);
    } finally {
      await unreachable.destroy();
    }
  });
});
