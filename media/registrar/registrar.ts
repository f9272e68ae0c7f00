import type { Clock } from '../../platform/clock.ts';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { Logger } from '../../platform/logger.ts';
import {
  headerUri,
  unquote,
  uriUser,
  type ParsedAuthorization,
  type ParsedNameAddr,
  type SipRequest,
  type SipResponse,
} from '../sip/sip-message.ts';
import { callRefused, sipFailureFor } from '../sip/sip-status.ts';
import { digestCredentialsFrom, type DigestAuthenticator } from './digest-auth.ts';
import type { Binding, RegistrationStore } from './registration-store.ts';
import type { RegistrationThrottle } from './registration-throttle.ts';
import type { NonceUses } from './nonce-uses.ts';

/** Looks up a phone's digest HA1; `sql/repositories/sip-credential-repository.ts` implements it. */
export interface SipCredentialLookup {
  findForRegistration(
    realm: string,
    username: string,
  ): Promise<{ readonly userId: string; readonly ha1: string } | undefined>;
}

export interface RegistrarOptions {
  readonly authenticator: DigestAuthenticator;
  readonly credentials: SipCredentialLookup;
  readonly store: RegistrationStore;
  readonly throttle: RegistrationThrottle;
  /** Refuses an authorization used twice (replay). */
  readonly nonceUses: NonceUses;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Shortest registration accepted; shorter asks get 423 (RFC 3261 §10.3). Default 60 s. */
  readonly minExpiresSeconds?: number;
  /** Longest registration granted; longer asks are shortened. Default 3600 s. */
  readonly maxExpiresSeconds?: number;
  /** Devices one user may have registered at once; more are refused with 403. Default 10. */
  readonly maxDevicesPerUser?: number;
  /**
   * Registrations from one source address at once (all users); more are
   * refused with 403, unless `trustedSource` says the address is exempt (an
   * office NAT, an SBC). Default 200.
   */
  readonly registrationsPerSource?: number;
  readonly trustedSource?: (address: string) => boolean;
}

/**
 * The registrar for agents' and supervisors' phones: REGISTER with Digest
 * authentication against the stored HA1, bindings kept in Redis, several
 * devices per user.
 *
 * Every authentication failure, whether the user exists or not, gets the same
 * fresh 401 challenge, so the registrar cannot be used to discover usernames;
 * failures are counted per source address and past the limit the address is
 * refused with 403 before any credential check.
 *
 * @example
 * srf.register((req, res) => void registrar.handle(req, res));
 */
export class Registrar {
  private readonly minExpires: number;
  private readonly maxExpires: number;

  constructor(private readonly options: RegistrarOptions) {
    this.minExpires = options.minExpiresSeconds ?? 60;
    this.maxExpires = options.maxExpiresSeconds ?? 3600;
  }

  /** Answers one REGISTER. Never rejects: every failure becomes a SIP response. */
  async handle(request: SipRequest, response: SipResponse): Promise<void> {
    try {
      await this.register(request, response);
    } catch (error) {
      const failure = sipFailureFor(error);
      const reason = error instanceof Error ? error.message : String(error);
      if (failure.status < 500) {
        // The phone's doing (a throttled address, another user's address of
        // record), refused as designed; at error level a guessing attack
        // would bury real faults.
        this.options.logger.info(
          { source: request.source_address, status: failure.status, reason },
          'register refused',
        );
      } else {
        this.options.logger.error({ err: reason }, 'register failed');
      }
      if (!response.finalResponseSent) {
        response.send(failure.status, failure.reason, { headers: failure.headers });
      }
    }
  }

  private async register(request: SipRequest, response: SipResponse): Promise<void> {
    const { authenticator, throttle } = this.options;
    const source = request.source_address;
    if (await throttle.isBlocked(source)) throw callRefused('throttled', 'too many failures');

    const credentials = digestCredentialsFrom(parsedAuthorization(request));
    if (credentials === undefined) {
      this.challenge(response);
      return;
    }
    const nonce = authenticator.nonceState(credentials.nonce);
    if (nonce === 'stale') {
      // The phone knows the password; it only needs a new nonce (RFC 2617 §3.2.1).
      this.challenge(response, true);
      return;
    }
    const record =
      credentials.realm === authenticator.realm
        ? await this.options.credentials.findForRegistration(
            authenticator.realm,
            credentials.username,
          )
        : undefined;
    const verified = authenticator.verify(credentials, 'REGISTER', record?.ha1);
    if (nonce === 'forged' || !verified || record === undefined) {
      await throttle.recordFailure(source);
      this.options.logger.info({ source, username: credentials.username }, 'register refused');
      this.challenge(response);
      return;
    }
    // A second use of one authorization is a replay; a real phone asked
    // again (stale) answers with a fresh nonce.
    if (!(await this.options.nonceUses.accept(credentials.nonce, credentials.nc))) {
      this.options.logger.info(
        { source, username: credentials.username },
        'register refused: authorization used before',
      );
      this.challenge(response, true);
      return;
    }
    // A user may only bind their own address-of-record.
    if (uriUser(headerUri(request, 'To') ?? '') !== credentials.username) {
      throw new SwitchboardError('forbidden', 'To does not match the authenticated user');
    }
    await this.updateBindings(request, response, record.userId);
  }

  private async updateBindings(
    request: SipRequest,
    response: SipResponse,
    userId: string,
  ): Promise<void> {
    const { store, clock } = this.options;
    const headerExpires = parseSeconds(request.get('Expires'));
    // drachtio parses `Contact: *` as one contact whose URI is `*`.
    const parsed = parsedContacts(request);
    if (parsed === undefined) {
      response.send(400, 'Malformed Contact', {});
      return;
    }
    const contacts = parsed === '*' || parsed.some((c) => c.uri.trim() === '*') ? '*' : parsed;
    const callId = request.get('Call-ID') ?? '';
    const cseq = Number.parseInt(request.get('CSeq') ?? '0', 10);

    if (contacts === '*') {
      // RFC 3261 §10.3 step 6: `Contact: *` is only valid with Expires: 0.
      if (headerExpires !== 0) {
        response.send(400, 'Invalid Wildcard', {});
        return;
      }
      await store.clear(userId);
      response.send(200, {});
      return;
    }

    const added: Binding[] = [];
    const removed: string[] = [];
    for (const contact of contacts) {
      const asked = parseSeconds(unquote(contact.params.expires)) ?? headerExpires ?? 3600;
      if (asked === 0) {
        removed.push(contact.uri);
        continue;
      }
      if (asked < this.minExpires) {
        response.send(423, 'Interval Too Brief', {
          headers: { 'Min-Expires': String(this.minExpires) },
        });
        return;
      }
      added.push({
        contact: contact.uri,
        expiresAt: clock.now() + Math.min(asked, this.maxExpires) * 1000,
        callId,
        cseq,
        sourceAddress: request.source_address,
        userAgent: request.get('User-Agent'),
      });
    }
    if (added.length > 0) {
      // Counted before saving: one stolen password must not register a fleet.
      const kept = new Set((await store.bindings(userId)).map((binding) => binding.contact));
      for (const contact of removed) kept.delete(contact);
      for (const binding of added) kept.add(binding.contact);
      const maxDevices = this.options.maxDevicesPerUser ?? 10;
      if (kept.size > maxDevices) {
        this.options.logger.info(
          { userId, devices: kept.size },
          'register refused: too many devices',
        );
        response.send(403, `Too Many Devices (at most ${maxDevices})`);
        return;
      }
      if (await this.tooManyFrom(request.source_address, userId, added)) {
        response.send(403, 'Too Many Registrations From This Address');
        return;
      }
    }
    const current =
      added.length === 0 && removed.length === 0
        ? await store.bindings(userId)
        : await store.save(userId, added, removed);
    const now = clock.now();
    const contactHeader = current
      .map((b) => `<${b.contact}>;expires=${Math.max(0, Math.round((b.expiresAt - now) / 1000))}`)
      .join(', ');
    response.send(200, { headers: contactHeader === '' ? {} : { Contact: contactHeader } });
    this.options.logger.info({ userId, devices: current.length }, 'registered');
  }

  /** One address registering more phones than allowed: a takeover or a scan, not an office. */
  private async tooManyFrom(source: string, userId: string, added: readonly Binding[]) {
    if (this.options.trustedSource?.(source) === true) return false;
    const limit = this.options.registrationsPerSource ?? 200;
    const contacts = added.map((binding) => binding.contact);
    const others = await this.options.store.registeredFrom(source, { userId, contacts });
    if (others + contacts.length <= limit) return false;
    this.options.logger.info(
      { source, registrations: others, limit },
      'register refused: too many registrations from this address',
    );
    return true;
  }

  private challenge(response: SipResponse, stale = false): void {
    response.send(401, 'Unauthorized', {
      headers: { 'WWW-Authenticate': this.options.authenticator.challenge({ stale }) },
    });
  }
}

function parseSeconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number.parseInt(value, 10);
}

/**
 * The Authorization header as drachtio-srf parses it, or undefined when
 * there is none or its parser throws (it does on some malformed values, such
 * as one cut short): such a header carries no answer to check, so the phone
 * is challenged as if it had sent none, not answered 500 and logged as a
 * failure of ours.
 */
function parsedAuthorization(request: SipRequest): ParsedAuthorization | undefined {
  try {
    return request.has('Authorization') ? request.getParsedHeader('Authorization')[0] : undefined;
  } catch {
    return undefined;
  }
}

/** The Contact header's entries (`*` for the wildcard); undefined when drachtio-srf cannot parse it. */
function parsedContacts(request: SipRequest): readonly ParsedNameAddr[] | '*' | undefined {
  try {
    return request.has('Contact') ? request.getParsedHeader('Contact') : [];
  } catch {
    return undefined;
  }
}
