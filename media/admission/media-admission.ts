import type { Clock } from '../../platform/clock.ts';
import type { MediaServer } from '../freeswitch/media-server.ts';
import type { Admission, AdmissionDecision } from '../sip/inbound-call-handler.ts';

export interface MediaAdmissionLimits {
  /** New calls admitted per second, sustained (token bucket refill). Measured clean: ~60/s; default 48. */
  readonly callsPerSecond: number;
  /** Burst allowance above the sustained rate. Default: one second's worth. */
  readonly burst?: number;
  /** Calls this process holds on FreeSWITCH at once. Default 1000. */
  readonly maxCalls: number;
  /** Share of FreeSWITCH's `max-sessions` we let ourselves use (each call may need 2-3 sessions). Default 0.8. */
  readonly sessionShare?: number;
  /** Refuse below this idle CPU % from FreeSWITCH heartbeats. Default 15. */
  readonly minIdleCpu?: number;
}

/**
 * Admits new calls against the media server's headroom, so excess calls get
 * a fast 503 + Retry-After instead of collapsing the calls already up (at
 * about 80 calls/s a bare fsmrf app drives FreeSWITCH into "Unable to lock
 * session" and most calls fail). Three checks, cheapest first: a token
 * bucket on the call rate; the calls this process holds (counted here,
 * because FreeSWITCH heartbeats arrive only every 20 s); and the sessions and
 * idle CPU FreeSWITCH last reported.
 *
 * @example
 * const admission = new MediaAdmission(clock, { callsPerSecond: 48, maxCalls: 400 });
 * const decision = admission.admit(mediaServer);
 */
export class MediaAdmission implements Admission {
  private tokens: number;
  private refilledAt: number;
  private held = 0;

  constructor(
    private readonly clock: Clock,
    private readonly limits: MediaAdmissionLimits,
  ) {
    this.tokens = this.burst;
    this.refilledAt = clock.now();
  }

  /** Calls admitted and not yet released. */
  get activeCalls(): number {
    return this.held;
  }

  admit(server: MediaServer): AdmissionDecision {
    this.refill();
    if (this.tokens < 1) {
      const waitMs = ((1 - this.tokens) / this.limits.callsPerSecond) * 1000;
      return refuse('call rate above limit', waitMs / 1000);
    }
    if (this.held >= this.limits.maxCalls) return refuse('call limit reached', 5);
    const share = this.limits.sessionShare ?? 0.8;
    if (server.maxSessions > 0 && server.currentSessions >= server.maxSessions * share) {
      return refuse('media server sessions near maximum', 5);
    }
    const idle = server.cpuIdle;
    if (idle !== undefined && Number.isFinite(idle) && idle < (this.limits.minIdleCpu ?? 15)) {
      return refuse('media server CPU busy', 5);
    }
    this.tokens -= 1;
    this.held += 1;
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        this.held -= 1;
      },
    };
  }

  private get burst(): number {
    return this.limits.burst ?? this.limits.callsPerSecond;
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.refilledAt);
    this.refilledAt = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed / 1000) * this.limits.callsPerSecond);
  }
}

function refuse(why: string, retryAfterSeconds: number): AdmissionDecision {
  return { admitted: false, why, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) };
}
