/** The first retry waits this long; each later one twice as long, up to {@link maxReconnectDelayMs}. */
export const firstReconnectDelayMs = 2_000;
export const maxReconnectDelayMs = 60_000;

/**
 * How long to wait before reconnection attempt `attempt` (1, 2, …):
 * exponential backoff with a cap, and up to 20% less at random (`random`
 * in [0, 1)) so a room of desks that lost the server together does not
 * come back in one burst.
 */
export function reconnectDelay(attempt: number, random: number = Math.random()): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 16));
  const base = Math.min(maxReconnectDelayMs, firstReconnectDelayMs * 2 ** exponent);
  return Math.round(base * (1 - 0.2 * random));
}
