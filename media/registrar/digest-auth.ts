import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import { unquote, type ParsedAuthorization } from '../sip/sip-message.ts';

/** The fields of a Digest `Authorization` header that verification needs (RFC 2617 §3.2.2). */
export interface DigestCredentials {
  readonly username: string;
  readonly realm: string;
  readonly nonce: string;
  readonly uri: string;
  readonly response: string;
  readonly algorithm?: string;
  readonly qop?: string;
  readonly nc?: string;
  readonly cnonce?: string;
  readonly opaque?: string;
}

/** How a presented nonce looks to us. */
export type NonceState = 'valid' | 'stale' | 'forged';

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/**
 * Reads a Digest credential from drachtio's parsed `Authorization` header;
 * undefined when it is not Digest or misses a required field.
 */
export function digestCredentialsFrom(
  parsed: ParsedAuthorization | undefined,
): DigestCredentials | undefined {
  if (parsed === undefined || parsed.scheme?.toLowerCase() !== 'digest') return undefined;
  const field = (name: string) => unquote(parsed[name]);
  const username = field('username');
  const realm = field('realm');
  const nonce = field('nonce');
  const uri = field('uri');
  const response = field('response');
  if (!username || realm === undefined || !nonce || !uri || !response) return undefined;
  return {
    username,
    realm,
    nonce,
    uri,
    response: response.toLowerCase(),
    algorithm: field('algorithm'),
    qop: field('qop'),
    nc: field('nc'),
    cnonce: field('cnonce'),
    opaque: field('opaque'),
  };
}

/** HA1 = MD5(username:realm:password), as stored in `sip_credentials.ha1`. */
export function digestHa1(username: string, realm: string, password: string): string {
  return md5(`${username}:${realm}:${password}`);
}

/**
 * The response a client holding `ha1` must send (RFC 2617 §3.2.2.1, MD5):
 * with `qop=auth`, MD5(HA1:nonce:nc:cnonce:qop:HA2); without qop (RFC 2069),
 * MD5(HA1:nonce:HA2); HA2 = MD5(method:uri).
 */
export function expectedDigestResponse(
  credentials: DigestCredentials,
  method: string,
  ha1: string,
): string {
  const ha2 = md5(`${method}:${credentials.uri}`);
  if (credentials.qop === 'auth') {
    return md5(
      `${ha1}:${credentials.nonce}:${credentials.nc ?? ''}:${credentials.cnonce ?? ''}:auth:${ha2}`,
    );
  }
  return md5(`${ha1}:${credentials.nonce}:${ha2}`);
}

/**
 * Issues and checks Digest challenges for one realm. Nonces are stateless:
 * the issue time plus an HMAC of it under a server secret, so any Switchboard
 * instance can check a nonce another issued, and a forged or altered nonce is
 * refused without a Redis round trip.
 *
 * Unknown and known users get byte-for-byte the same kind of challenge, and
 * verification against an unknown user runs the same MD5 work against a
 * throwaway HA1, so neither the response nor its timing says which usernames
 * exist.
 *
 * @example
 * const digest = new DigestAuthenticator({ realm: 'switchboard', secret, clock });
 * res.send(401, { headers: { 'WWW-Authenticate': digest.challenge() } });
 */
export class DigestAuthenticator {
  readonly realm: string;
  private readonly secret: string;
  private readonly clock: Clock;
  /** How long a nonce stays usable. */
  readonly nonceLifetimeMs: number;

  constructor(options: {
    readonly realm: string;
    /** Server secret that signs nonces; share it between instances. */
    readonly secret: string;
    readonly clock: Clock;
    /** How long a nonce stays usable; after that the client is told `stale=true`. */
    readonly nonceLifetimeMs?: number;
  }) {
    this.realm = options.realm;
    this.secret = options.secret;
    this.clock = options.clock;
    this.nonceLifetimeMs = options.nonceLifetimeMs ?? 5 * 60_000;
  }

  /** A `WWW-Authenticate` header value with a fresh nonce. */
  challenge(options: { readonly stale?: boolean } = {}): string {
    const stale = options.stale === true ? ', stale=TRUE' : '';
    return `Digest realm="${this.realm}", nonce="${this.issueNonce()}", algorithm=MD5, qop="auth"${stale}`;
  }

  /** Whether `nonce` is one we issued, and whether it is still fresh. */
  nonceState(nonce: string): NonceState {
    const [issued, salt, signature] = nonce.split('.');
    if (
      issued === undefined ||
      salt === undefined ||
      signature === undefined ||
      !/^[0-9a-f]{1,16}$/.test(issued) ||
      !/^[0-9a-f]{16}$/.test(salt)
    ) {
      return 'forged';
    }
    if (!sameText(signature, this.sign(`${issued}.${salt}`))) return 'forged';
    const age = this.clock.now() - Number.parseInt(issued, 16);
    return age >= 0 && age <= this.nonceLifetimeMs ? 'valid' : 'stale';
  }

  /**
   * True when `credentials` prove knowledge of `ha1` for `method`. Pass
   * `ha1: undefined` for an unknown user: the same work is done and the
   * answer is false.
   */
  verify(credentials: DigestCredentials, method: string, ha1: string | undefined): boolean {
    const expected = expectedDigestResponse(credentials, method, ha1 ?? md5(this.sign('unknown')));
    const algorithmOk =
      credentials.algorithm === undefined || credentials.algorithm.toUpperCase() === 'MD5';
    const qopOk = credentials.qop === undefined || credentials.qop === 'auth';
    return (
      sameText(expected, credentials.response) &&
      ha1 !== undefined &&
      algorithmOk &&
      qopOk &&
      credentials.realm === this.realm
    );
  }

  /**
   * `<issued, hex ms>.<salt>.<HMAC>`: the time says how old it is, the HMAC
   * that we issued it (any instance sharing the secret can check), and the
   * random salt makes each nonce unique, so that its uses can be counted
   * (nonce-uses.ts) even for two phones challenged in the same millisecond.
   */
  private issueNonce(): string {
    const issued = `${this.clock.now().toString(16)}.${randomBytes(8).toString('hex')}`;
    return `${issued}.${this.sign(issued)}`;
  }

  private sign(text: string): string {
    return createHmac('sha256', this.secret).update(`${this.realm}:${text}`).digest('hex');
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
