import { SwitchboardError } from '../../platform/switchboard-error.ts';

/** A final SIP response for a failure: status, reason phrase and extra headers. */
export interface SipFailure {
  readonly status: number;
  readonly reason: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Why a call could not be taken, as the `details.reason` of a
 * {@link SwitchboardError}. Each maps to one SIP status in {@link sipFailureFor}.
 */
export type CallRefusal =
  /** The dialled number is not one of ours. */
  | 'unknown-number'
  /** The number exists but its flow has no published version. */
  | 'no-published-flow'
  /** No media server is connected, or all are full: try again later. */
  | 'media-unavailable'
  /** Admission control refused the call to protect calls in progress. */
  | 'overloaded'
  /** The caller's SDP offers no codec we can use. */
  | 'incompatible-media'
  /** The callee did not answer in time. */
  | 'no-answer'
  /** Too many failed attempts from this address. */
  | 'throttled';

/** Builds the error that {@link sipFailureFor} turns into the right SIP status. */
export function callRefused(
  reason: CallRefusal,
  message: string,
  details: Readonly<Record<string, unknown>> = {},
): SwitchboardError {
  const code =
    reason === 'unknown-number'
      ? 'not_found'
      : reason === 'incompatible-media'
        ? 'validation_failed'
        : reason === 'throttled'
          ? 'rate_limited'
          : 'unavailable';
  return new SwitchboardError(code, message, { ...details, reason });
}

function reasonOf(error: SwitchboardError): string | undefined {
  const reason = error.details?.reason;
  return typeof reason === 'string' ? reason : undefined;
}

/**
 * The one place an error becomes a SIP status. Everything that answers a SIP
 * request with a failure goes through here, so a number without a published
 * flow is 480 everywhere, an overloaded media tier is 503 with Retry-After
 * everywhere, and so on.
 *
 * | error | status |
 * |---|---|
 * | `not_found` (unknown number) | 404 Not Found |
 * | `unavailable`, reason `no-published-flow` | 480 Temporarily Unavailable |
 * | `unavailable`, reason `no-answer` | 480 Temporarily Unavailable |
 * | `unavailable`, reason `overloaded` / `media-unavailable` | 503 Service Unavailable + Retry-After |
 * | `validation_failed`, reason `incompatible-media` | 488 Not Acceptable Here |
 * | `validation_failed` (other) | 400 Bad Request |
 * | `unauthenticated` | 401 Unauthorized |
 * | `forbidden`, `rate_limited` (throttled address) | 403 Forbidden |
 * | anything else | 500 Server Internal Error |
 */
export function sipFailureFor(error: unknown): SipFailure {
  if (!(error instanceof SwitchboardError)) {
    return { status: 500, reason: 'Server Internal Error', headers: {} };
  }
  const reason = reasonOf(error);
  switch (error.code) {
    case 'not_found':
      return { status: 404, reason: 'Not Found', headers: {} };
    case 'unavailable': {
      if (reason === 'no-published-flow' || reason === 'no-answer' || reason === 'hangup') {
        return { status: 480, reason: 'Temporarily Unavailable', headers: {} };
      }
      const retryAfter = error.details?.retryAfterSeconds;
      const seconds = typeof retryAfter === 'number' && retryAfter > 0 ? Math.ceil(retryAfter) : 5;
      return {
        status: 503,
        reason: 'Service Unavailable',
        headers: { 'Retry-After': String(seconds) },
      };
    }
    case 'validation_failed':
      return reason === 'incompatible-media'
        ? { status: 488, reason: 'Not Acceptable Here', headers: {} }
        : { status: 400, reason: 'Bad Request', headers: {} };
    case 'unauthenticated':
      return { status: 401, reason: 'Unauthorized', headers: {} };
    case 'forbidden':
      return { status: 403, reason: 'Forbidden', headers: {} };
    case 'rate_limited':
      // SIP has no 429; a registrar refuses a throttled address outright.
      return { status: 403, reason: 'Forbidden', headers: {} };
    case 'conflict':
    case 'config_invalid':
    case 'flow_invalid':
    case 'internal':
      return { status: 500, reason: 'Server Internal Error', headers: {} };
  }
}
