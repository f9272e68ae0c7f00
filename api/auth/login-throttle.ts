import type { Redis } from 'ioredis';
import type { AuthKeys } from './auth-keys.ts';

export interface LoginThrottlePolicy {
  /** Failures for one account within the window that lock it. */
  readonly accountFailures: number;
  /** Failures from one source address within the window that lock it (password spraying). */
  readonly addressFailures: number;
  readonly windowSeconds: number;
  readonly lockSeconds: number;
}

export const defaultLoginThrottlePolicy: LoginThrottlePolicy = Object.freeze({
  accountFailures: 5,
  addressFailures: 20,
  windowSeconds: 15 * 60,
  lockSeconds: 15 * 60,
});

/**
 * Counts failed logins per account and per source address in Redis, so every
 * API instance sees the same counts, and locks either once it passes its limit.
 */
export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly keys: AuthKeys,
    private readonly policy: LoginThrottlePolicy = defaultLoginThrottlePolicy,
  ) {}

  /** Seconds until the lock ends, or 0 when a login attempt may proceed. */
  async lockedForSeconds(account: string, address: string): Promise<number> {
    const [a, b] = await Promise.all([
      this.redis.pttl(this.keys.loginLock('account', account)),
      this.redis.pttl(this.keys.loginLock('address', address)),
    ]);
    return Math.ceil(Math.max(a, b, 0) / 1000);
  }

  /** Records a failure; returns true when this failure caused a lock. */
  async recordFailure(account: string, address: string): Promise<boolean> {
    const { windowSeconds, lockSeconds } = this.policy;
    let locked = false;
    for (const [kind, value, limit] of [
      ['account', account, this.policy.accountFailures],
      ['address', address, this.policy.addressFailures],
    ] as const) {
      const key = this.keys.loginFailures(kind, value);
      const result = await this.redis.multi().incr(key).expire(key, windowSeconds, 'NX').exec();
      const count = Number(result?.[0]?.[1] ?? 0);
      if (count >= limit) {
        await this.redis
          .multi()
          .set(this.keys.loginLock(kind, value), '1', 'EX', lockSeconds)
          .del(key)
          .exec();
        locked = true;
      }
    }
    return locked;
  }

  /** A successful login forgives the account's earlier failures (not the address's). */
  async recordSuccess(account: string): Promise<void> {
    await this.redis.del(this.keys.loginFailures('account', account));
  }
}
