/**
 * A small seeded generator (mulberry32) for tests that shuffle, mutate or
 * pick: the same seed gives the same run, so a failure can be replayed.
 *
 * @example
 * const next = seededRandom(22); next(); // 0 <= n < 1
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
