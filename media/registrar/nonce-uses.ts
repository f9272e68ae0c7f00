import type { Redis } from 'ioredis';

/**
 * Keeps the highest nonce count (`nc`) each Digest nonce has been used with,
 * so an authorization cannot be used twice. Digest's response covers the
 * method and URI, not the Contact: without this, anyone who saw one REGISTER
 * could send its Authorization header again, for as long as the nonce lives,
 * with their own Contact, and take the agent's calls. RFC 2617's answer is
 * `qop=auth` with a rising `nc`, which every phone that answers our
 * challenge (it offers `qop="auth"`) sends.
 */
export class NonceUses {
  constructor(
    private readonly redis: Redis,
    private readonly options: {
      readonly keyPrefix: string;
      /** As long as a nonce is accepted at all (the authenticator's nonce lifetime). */
      readonly lifetimeMs: number;
    },
  ) {}

  /**
   * True when `nc` (8 hex digits) is higher than any count `nonce` was used
   * with before, and records it; false for a replay, and for a missing or
   * malformed count.
   */
  async accept(nonce: string, nc: string | undefined): Promise<boolean> {
    if (nc === undefined || !/^[0-9a-f]{8}$/i.test(nc)) return false;
    const accepted = await this.redis.eval(
      // One step, so two copies of one authorization racing cannot both pass.
      `local last = tonumber(redis.call('GET', KEYS[1]) or '0')
       local count = tonumber(ARGV[1])
       if count <= last then return 0 end
       redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
       return 1`,
      1,
      `${this.options.keyPrefix}registrar:nonce:${nonce}`,
      String(Number.parseInt(nc, 16)),
      String(this.options.lifetimeMs),
    );
    return accepted === 1;
  }
}
