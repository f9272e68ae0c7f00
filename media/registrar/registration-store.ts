import type { Redis } from 'ioredis';
import type { Clock } from '../../platform/clock.ts';
import { registrarKeys, type RegistrarKeys } from './registrar-keys.ts';

/** One registered device of a user: where to send INVITEs, until when. */
export interface Binding {
  /** The device's Contact URI, e.g. `sip:alice@198.51.100.7:5062;transport=udp`. */
  readonly contact: string;
  /** Epoch ms when the binding lapses unless refreshed. */
  readonly expiresAt: number;
  /** Call-ID and CSeq of the REGISTER, to ignore reordered refreshes (RFC 3261 §10.3). */
  readonly callId: string;
  readonly cseq: number;
  readonly sourceAddress: string;
  readonly userAgent?: string;
}

/**
 * Compare-and-delete, atomic in Redis: a REGISTER may refresh a binding
 * between reading it and finding it stale.
 *   KEYS[1] bindings hash
 *   ARGV    contact, binding JSON as read, ... (pairs)
 * Returns how many bindings were dropped.
 */
const forgetUnchangedScript = `
local dropped = 0
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    dropped = dropped + redis.call('HDEL', KEYS[1], ARGV[i])
  end
end
return dropped`;

/**
 * Agents' registered devices, in Redis, several per agent. A binding lapses at
 * its own expiry; the hash carries a TTL of the latest expiry so a user who
 * stops registering leaves nothing behind.
 *
 * @example
 * await store.save('user-1', [{ contact: 'sip:alice@198.51.100.7', expiresAt, callId, cseq: 1, sourceAddress }]);
 * const devices = await store.bindings('user-1');
 */
export class RegistrationStore {
  private readonly keys: RegistrarKeys;

  constructor(
    private readonly redis: Redis,
    private readonly clock: Clock,
    keyPrefix: string,
  ) {
    this.keys = registrarKeys(keyPrefix);
  }

  /** Live bindings of `userId`, soonest-expiring last; lapsed ones are dropped. */
  async bindings(userId: string): Promise<Binding[]> {
    const key = this.keys.bindings(userId);
    const raw = await this.redis.hgetall(key);
    const now = this.clock.now();
    const live: Binding[] = [];
    const lapsed: string[] = [];
    for (const [contact, json] of Object.entries(raw)) {
      const binding = JSON.parse(json) as Binding;
      if (binding.expiresAt > now) live.push(binding);
      else lapsed.push(contact);
    }
    if (lapsed.length > 0) await this.redis.hdel(key, ...lapsed);
    return live.sort((a, b) => b.expiresAt - a.expiresAt);
  }

  /**
   * Adds or refreshes `added` and removes `removed` contacts in one step. A
   * refresh from the same Call-ID with a CSeq not above the stored one is
   * ignored, so a delayed retransmission cannot resurrect an old binding.
   */
  async save(
    userId: string,
    added: readonly Binding[],
    removed: readonly string[] = [],
  ): Promise<Binding[]> {
    const key = this.keys.bindings(userId);
    const current = new Map((await this.bindings(userId)).map((b) => [b.contact, b]));
    const transaction = this.redis.multi();
    for (const contact of removed) {
      transaction.hdel(key, contact);
      current.delete(contact);
    }
    for (const binding of added) {
      const previous = current.get(binding.contact);
      if (previous?.callId === binding.callId && previous.cseq >= binding.cseq) continue;
      transaction.hset(key, binding.contact, JSON.stringify(binding));
      current.set(binding.contact, binding);
    }
    const latest = Math.max(0, ...[...current.values()].map((b) => b.expiresAt));
    const ttlMs = latest - this.clock.now();
    if (ttlMs > 0) transaction.pexpire(key, ttlMs);
    else transaction.del(key);
    await transaction.exec();
    return [...current.values()].sort((a, b) => b.expiresAt - a.expiresAt);
  }

  /**
   * Drops bindings found stale: the device at that address could not take a
   * call (a phone gone without unregistering answers 503, or nothing
   * answers). Only a binding still exactly as `stale` is dropped, so a phone
   * that registered again meanwhile keeps its fresh binding.
   *
   * @example
   * await store.forget('user-1', [bindingThatAnswered503]);
   */
  async forget(userId: string, stale: readonly Binding[]): Promise<void> {
    if (stale.length === 0) return;
    await this.redis.eval(
      forgetUnchangedScript,
      1,
      this.keys.bindings(userId),
      ...stale.flatMap((binding) => [binding.contact, JSON.stringify(binding)]),
    );
  }

  /** Removes every binding of `userId` (`Contact: *` with `Expires: 0`). */
  async clear(userId: string): Promise<void> {
    await this.redis.del(this.keys.bindings(userId));
  }
}
