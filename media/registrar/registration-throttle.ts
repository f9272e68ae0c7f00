import type { Redis } from 'ioredis';
import { registrarKeys, type RegistrarKeys } from './registrar-keys.ts';

/**
 * Counts failed REGISTER authentications per source address in a fixed
 * window. Past the limit the address is refused outright, before any digest
 * work, so password guessing from one place stops paying off; the count
 * expires with the window so a misconfigured phone recovers by itself.
 */
export class RegistrationThrottle {
  private readonly keys: RegistrarKeys;
  private readonly maxFailures: number;
  private readonly windowMs: number;

  constructor(
    private readonly redis: Redis,
    options: {
      readonly keyPrefix: string;
      /** Failures allowed per window; the next attempt is refused. Default 10. */
      readonly maxFailures?: number;
      /** Window length; default 5 minutes. */
      readonly windowMs?: number;
    },
  ) {
    this.keys = registrarKeys(options.keyPrefix);
    this.maxFailures = options.maxFailures ?? 10;
    this.windowMs = options.windowMs ?? 5 * 60_000;
  }

  /** True when `sourceAddress` has used up its failures for now. */
  async isBlocked(sourceAddress: string): Promise<boolean> {
    const count = await this.redis.get(this.keys.failures(sourceAddress));
    return count !== null && Number(count) >= this.maxFailures;
  }

  /** Records one failure; the window starts at the first (INCR keeps the TTL SET gave). */
  async recordFailure(sourceAddress: string): Promise<void> {
    const key = this.keys.failures(sourceAddress);
    await this.redis.multi().set(key, '0', 'PX', this.windowMs, 'NX').incr(key).exec();
  }
}
