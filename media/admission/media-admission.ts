import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { MediaServer } from '../freeswitch/media-server.ts';
import type { Admission, AdmissionDecision } from '../sip/inbound-call-handler.ts';

export interface MediaAdmissionLimits {
  /**
   * The most new calls admitted per second (token bucket refill), the
   * ceiling of the adaptive rate. The service passes `MEDIA_MAX_CALLS_PER_SECOND`.
   */
  readonly callsPerSecond: number;
  /**
   * Burst allowance above the rate. Default: a quarter second's worth of the
   * current rate, so no second admits more than 1.25 times the rate (FreeSWITCH
   * refuses sessions past its own sessions-per-second with a 503 of its own).
   */
  readonly burst?: number;
  /** Calls this process holds on FreeSWITCH at once. Default 1000. */
  readonly maxCalls: number;
  /** Share of FreeSWITCH's `max-sessions` we let ourselves use (each call may need 2-3 sessions). Default 0.8. */
  readonly sessionShare?: number;
  /** Refuse below this idle CPU % from FreeSWITCH heartbeats. Default 15. */
  readonly minIdleCpu?: number;
  /**
   * A media set-up slower than this counts as a sign of overload. Default
   * 2000 ms: half of fsmrf's 4 s, past which the call fails; below it a
   * caller only hears a longer ring, as FreeSWITCH gives on any busy host
   * now and then.
   */
  readonly slowSetupMs?: number;
  /**
   * Share of a window's set-ups that must have failed or been slow (and at
   * least two) before the rate is cut. Default 0.05. One alone is a pause on
   * the host (a collector step, a page fault) or one odd call, not overload,
   * which troubles many at once.
   */
  readonly troubleShare?: number;
  /** The adaptive rate never drops below this. Default 2 calls/s. */
  readonly minCallsPerSecond?: number;
  /** How often the adaptive rate is reconsidered. Default 1000 ms. */
  readonly windowMs?: number;
}

/** What admission control sees now, for readiness and metrics. */
export interface AdmissionState {
  /** The adaptive rate: new calls per second admitted now. */
  readonly callsPerSecond: number;
  /** Calls admitted whose media is still being set up. */
  readonly settingUp: number;
  /** Calls admitted and not yet released. */
  readonly activeCalls: number;
}

/**
 * Admits new calls against the media server's headroom, so excess calls get
 * a fast 503 + Retry-After instead of collapsing the calls already up (past
 * its capacity FreeSWITCH stops connecting new channels back within fsmrf's
 * 4 s, and most calls fail, the ones already admitted included). Checks,
 * cheapest first:
 *
 * - a token bucket on the call rate. The rate adapts (additive increase,
 *   multiplicative decrease): every `windowMs`, a window whose media set-ups
 *   failed or were slow (`slowSetupMs`), at least two and `troubleShare` of
 *   them, cuts it to 70% of what the window admitted (or of the rate, if
 *   lower); a window that had to refuse calls for rate, with
 *   set-ups healthy, raises it by 5% of the ceiling, up to `callsPerSecond`.
 *   So it settles just under what this media server, on this host, sets up
 *   in time, whatever else the host runs. Cutting from what was admitted,
 *   not from an unused allowance, makes the first cut bite; ignoring a lone
 *   troubled set-up keeps host pauses, which never stop recurring, from
 *   ratcheting the rate below healthy demand (it only rises again while
 *   refusing). Only set-ups admitted since the latest cut are judged, so
 *   one stall cuts the rate once, not once per window its backlog drains in;
 * - calls still being set up: at most one second's worth of the rate (and
 *   at least 4), so set-ups average under a second at the admitted rate
 *   (Little's law); a stall on the host that lasts longer refuses only what
 *   arrives past that. When FreeSWITCH falls behind these pile up first, so
 *   the excess is refused before the next window even closes;
 * - the calls this process holds (counted here, because FreeSWITCH
 *   heartbeats arrive only every few seconds);
 * - the sessions and idle CPU FreeSWITCH last reported.
 *
 * @example
 * const admission = new MediaAdmission(clock, { callsPerSecond: 48, maxCalls: 400 });
 * const decision = admission.admit(mediaServer);
 */
export class MediaAdmission implements Admission {
  private tokens: number;
  private refilledAt: number;
  private held = 0;
  private inSetup = 0;
  private rate: number;
  private windowStartedAt: number;
  private window = emptyWindow();
  /** Counts the cuts; a set-up admitted before the latest cut says nothing about the rate since. */
  private epoch = 0;

  constructor(
    private readonly clock: Clock,
    private readonly limits: MediaAdmissionLimits,
    private readonly logger?: Logger,
  ) {
    this.rate = limits.callsPerSecond;
    this.tokens = this.burst;
    this.refilledAt = clock.now();
    this.windowStartedAt = clock.now();
  }

  /** Calls admitted and not yet released. */
  get activeCalls(): number {
    return this.held;
  }

  get state(): AdmissionState {
    return { callsPerSecond: this.rate, settingUp: this.inSetup, activeCalls: this.held };
  }

  admit(server: MediaServer): AdmissionDecision {
    this.adapt();
    this.refill();
    if (this.tokens < 1) {
      this.window.refusedForRate += 1;
      const waitMs = ((1 - this.tokens) / this.rate) * 1000;
      return refuse('call rate above limit', waitMs / 1000);
    }
    if (this.inSetup >= Math.max(4, Math.ceil(this.rate))) {
      return refuse('media server slow to set up calls', 2);
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
    this.inSetup += 1;
    this.window.admitted += 1;
    const admittedAt = this.clock.now();
    const admittedInEpoch = this.epoch;
    let settingUp = true;
    let released = false;
    const setUpDone = () => {
      if (!settingUp) return false;
      settingUp = false;
      this.inSetup -= 1;
      return true;
    };
    return {
      admitted: true,
      mediaSetUp: (outcome) => {
        if (!setUpDone() || admittedInEpoch !== this.epoch) return;
        this.window.setUps += 1;
        if (outcome === 'failed') this.window.failed += 1;
        else if (this.clock.now() - admittedAt > (this.limits.slowSetupMs ?? 2000)) {
          this.window.slow += 1;
        }
      },
      release: () => {
        setUpDone();
        if (released) return;
        released = true;
        this.held -= 1;
      },
    };
  }

  private get burst(): number {
    return this.limits.burst ?? Math.max(1, this.rate / 4);
  }

  /** Closes the window if it is over: cut the rate after trouble, raise it after unmet demand. */
  private adapt(): void {
    const now = this.clock.now();
    const windowMs = this.limits.windowMs ?? 1000;
    const elapsed = now - this.windowStartedAt;
    if (elapsed < windowMs) return;
    const { admitted, setUps, failed, slow, refusedForRate } = this.window;
    const ceiling = this.limits.callsPerSecond;
    const floor = Math.min(ceiling, this.limits.minCallsPerSecond ?? 2);
    const troubled = failed + slow;
    const before = this.rate;
    if (troubled >= Math.max(2, Math.ceil((this.limits.troubleShare ?? 0.05) * setUps))) {
      // A window long past (no calls for a while) says nothing of the rate in use.
      const admittedRate = elapsed < 2 * windowMs ? (admitted * 1000) / elapsed : this.rate;
      this.rate = Math.max(floor, Math.min(this.rate, admittedRate) * 0.7);
      this.tokens = Math.min(this.tokens, this.burst);
      this.epoch += 1;
      this.logger?.info(
        { from: round(before), to: round(this.rate), setUps, slow, failed },
        'admission rate cut: media set-ups failed or slow',
      );
    } else if (refusedForRate > 0) {
      this.rate = Math.min(ceiling, this.rate + ceiling * 0.05);
    }
    this.windowStartedAt = now;
    this.window = emptyWindow();
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.refilledAt);
    this.refilledAt = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed / 1000) * this.rate);
  }
}

function emptyWindow() {
  return { admitted: 0, setUps: 0, failed: 0, slow: 0, refusedForRate: 0 };
}

const round = (rate: number) => Math.round(rate * 10) / 10;

function refuse(why: string, retryAfterSeconds: number): AdmissionDecision {
  return { admitted: false, why, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) };
}
