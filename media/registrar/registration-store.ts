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
    const removedBindings: Binding[] = [];
    for (const contact of removed) {
      transaction.hdel(key, contact);
      const gone = current.get(contact);
      if (gone !== undefined) removedBindings.push(gone);
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
    this.indexBySource(transaction, userId, added, removedBindings);
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
    const dropped = await this.redis.eval(
      forgetUnchangedScript,
      1,
      this.keys.bindings(userId),
      ...stale.flatMap((binding) => [binding.contact, JSON.stringify(binding)]),
    );
    if (dropped === 0) return;
    const transaction = this.redis.multi();
    this.indexBySource(transaction, userId, [], stale);
    await transaction.exec();
  }

  /** Removes every binding of `userId` (`Contact: *` with `Expires: 0`). */
  async clear(userId: string): Promise<void> {
    const gone = await this.bindings(userId);
    const transaction = this.redis.multi();
    transaction.del(this.keys.bindings(userId));
    this.indexBySource(transaction, userId, [], gone);
    await transaction.exec();
  }

  /**
   * How many live bindings were registered from `sourceAddress`, leaving
   * out those of `userId` at `contacts` (a refresh is not a new one).
   */
  async registeredFrom(
    sourceAddress: string,
    except: { readonly userId: string; readonly contacts: readonly string[] },
  ): Promise<number> {
    const key = this.keys.source(sourceAddress);
    const [, live] = (await this.redis
      .multi()
      .zremrangebyscore(key, '-inf', this.clock.now())
      .zrange(key, 0, -1)
      .exec()) as [[Error | null, number], [Error | null, string[]]];
    const refreshed = new Set(
      except.contacts.map((contact) => sourceMember(except.userId, contact)),
    );
    return (live[1] ?? []).filter((member) => !refreshed.has(member)).length;
  }

  /** Keeps the per-address index (registrations per source address) in step. */
  private indexBySource(
    transaction: ReturnType<Redis['multi']>,
    userId: string,
    added: readonly Binding[],
    removed: readonly Binding[],
  ): void {
    for (const binding of removed) {
      transaction.zrem(
        this.keys.source(binding.sourceAddress),
        sourceMember(userId, binding.contact),
      );
    }
    for (const binding of added) {
      const key = this.keys.source(binding.sourceAddress);
      transaction.zadd(key, binding.expiresAt, sourceMember(userId, binding.contact));
      transaction.pexpireat(key, binding.expiresAt, 'GT');
      // A key made by this ZADD has no TTL, which GT does not count as greater.
      transaction.pexpireat(key, binding.expiresAt, 'NX');
    }
  }
}

function sourceMember(userId: string, contact: string): string {
  return `${userId} ${contact}`;
}
