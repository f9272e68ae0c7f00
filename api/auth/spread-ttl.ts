/**
 * A cache lifetime between half and all of `ttlMs`. Sessions cached in the
 * same moment (a shift logging in) would otherwise expire together and hit
 * Postgres in one burst; spreading only ever shortens the documented bound.
 */
export function spreadTtl(ttlMs: number): number {
  return Math.round(ttlMs * (0.5 + Math.random() / 2));
}
