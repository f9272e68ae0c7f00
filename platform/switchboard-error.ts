/**
 * Stable error codes. Each is mapped to an HTTP or SIP status in one place at
 * the edge (api/error-response.ts, ivr/sip-status.ts), never inside the domain.
 */
export type ErrorCode =
  | 'config_invalid'
  | 'validation_failed'
  | 'not_found'
  | 'conflict'
  | 'forbidden'
  | 'unauthenticated'
  | 'rate_limited'
  | 'unavailable'
  | 'flow_invalid'
  | 'internal';

export class SwitchboardError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'SwitchboardError';
  }
}
