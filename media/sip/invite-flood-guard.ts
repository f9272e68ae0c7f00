import { trustedSources } from './trusted-sources.ts';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface InviteFloodGuardOptions {
  /** New INVITEs one source address may send per second. */
  readonly invitesPerSecond: number;
  /** How long an address that went past it is refused. Default 60 s. */
  readonly blockSeconds?: number;
  /** Addresses or CIDR ranges never limited: the carrier's SBCs, which send every call. */
  readonly trustedSources?: readonly string[];
}

/** The guard's answer for one INVITE. */
export type FloodDecision =
  | { readonly admitted: true }
  | {
      readonly admitted: false;
      readonly retryAfterSeconds: number;
      /** The first refusal of this block, the one worth a log line. */
      readonly newlyBlocked: boolean;
    };

/**
 * Refuses new INVITEs from a source address that sends more than
 * `invitesPerSecond`, for `blockSeconds`, before any work is done for them
 * (no route lookup, no media, no call record): a flood or a scan from one
 * address must not take the capacity that other callers' calls need, nor
 * fill the call records. Per process, in memory (rate-limiter-flexible),
 * which is where the work it saves is done.
 *
 * @example
 * const guard = new InviteFloodGuard({ invitesPerSecond: 30, trustedSources: ['203.0.113.0/28'] });
 * const decision = await guard.admit(request.source_address);
 */
export class InviteFloodGuard {
  private readonly limiter: RateLimiterMemory;
  private readonly trusted: (address: string) => boolean;
  private readonly points: number;

  constructor(options: InviteFloodGuardOptions) {
    this.points = options.invitesPerSecond;
    this.limiter = new RateLimiterMemory({
      points: options.invitesPerSecond,
      duration: 1,
      blockDuration: options.blockSeconds ?? 60,
    });
    this.trusted = trustedSources(options.trustedSources ?? []);
  }

  async admit(sourceAddress: string): Promise<FloodDecision> {
    if (this.trusted(sourceAddress)) return { admitted: true };
    try {
      await this.limiter.consume(sourceAddress);
      return { admitted: true };
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      return {
        admitted: false,
        retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)),
        newlyBlocked: refusal.consumedPoints === this.points + 1,
      };
    }
  }
}
