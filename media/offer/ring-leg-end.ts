import type { LegEnd } from '../call-record/leg-record.ts';
import type { RingOutcome } from './device-ringer.ts';

/**
 * How a leg that was rung but never connected ended, and the SIP status it
 * ended with, for its `call_legs` row. `unreachable`: every device failed
 * with no person's refusal (the ring's `noAnswer` then carries what the
 * first one said); otherwise a `noAnswer` rang out and its INVITEs were
 * cancelled (487).
 *
 * @example
 * leg.ended(...ringLegEnd(outcome, gone.length === devices.length));
 */
export function ringLegEnd(
  outcome: Exclude<RingOutcome, { kind: 'answered' }>,
  unreachable: boolean,
): [LegEnd, number?] {
  switch (outcome.kind) {
    case 'declined':
      return ['declined', outcome.status];
    case 'noAnswer':
      return unreachable ? ['unreachable', outcome.status] : ['noAnswer', 487];
    case 'cancelled':
      return ['cancelled', 487];
    case 'failed':
      return ['failed'];
  }
}
