import { createHash } from 'node:crypto';

/**
 * Namespace of Switchboard's name-based leg ids (a random UUID, fixed for
 * ever: changing it would give every leg a second row on replay).
 */
const legNamespace = Buffer.from('6f1c2a4e9b7d4c3a8e5f0a1b2c3d4e5f', 'hex');

/**
 * The `call_legs` id for a leg named by what made it (`<callId>:caller`,
 * `offer:<offerId>`): an RFC 4122 version 5 UUID (SHA-1 of namespace and
 * name), so writing the same leg again, from a replayed event or another
 * process, upserts one row instead of adding a second.
 *
 * @example
 * legIdFor(`offer:${offerId}`); // the same UUID every time for this offer
 */
export function legIdFor(name: string): string {
  const hash = createHash('sha1').update(legNamespace).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
