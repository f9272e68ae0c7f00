import { describe, expect, it } from 'vitest';
import { firstReconnectDelayMs, maxReconnectDelayMs, reconnectDelay } from './reconnect-delay.ts';

describe('reconnectDelay', () => {
  it('doubles from the first delay and stops at the cap', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => reconnectDelay(attempt, 0))).toEqual([
      2_000, 4_000, 8_000, 16_000, 32_000,
    ]);
    expect(reconnectDelay(6, 0)).toBe(maxReconnectDelayMs);
    expect(reconnectDelay(1_000, 0)).toBe(maxReconnectDelayMs);
  });

  it('waits up to a fifth less at random, never more, never less than 80%', () => {
    expect(reconnectDelay(1, 0.999)).toBeGreaterThanOrEqual(firstReconnectDelayMs * 0.8);
    expect(reconnectDelay(1, 0.5)).toBe(1_800);
    for (let i = 0; i < 50; i += 1) {
      const delay = reconnectDelay(3);
      expect(delay).toBeGreaterThan(8_000 * 0.8 - 1);
      expect(delay).toBeLessThanOrEqual(8_000);
    }
  });

  it('treats attempt 0 or below as the first', () => {
    expect(reconnectDelay(0, 0)).toBe(firstReconnectDelayMs);
    expect(reconnectDelay(-3, 0)).toBe(firstReconnectDelayMs);
  });
});
