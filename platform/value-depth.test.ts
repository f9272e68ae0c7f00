import { describe, expect, it } from 'vitest';
import { exceedsDepth } from './value-depth.ts';

describe('exceedsDepth', () => {
  it.each([
    { value: 'text', max: 0, exceeds: false },
    { value: null, max: 0, exceeds: false },
    { value: {}, max: 0, exceeds: true },
    { value: {}, max: 1, exceeds: false },
    { value: { a: [1, { b: 2 }] }, max: 3, exceeds: false },
    { value: { a: [1, { b: 2 }] }, max: 2, exceeds: true },
    { value: [[], [[]], []], max: 3, exceeds: false },
    { value: [[], [[[]]], []], max: 3, exceeds: true },
  ])('$value within $max: exceeds is $exceeds', ({ value, max, exceeds }) => {
    expect(exceedsDepth(value, max)).toBe(exceeds);
  });

  it('measures a shared object at its deepest use', () => {
    const shared = { leaf: [1] };
    // Reached at depth 2 first (the walk takes the last child first), then at
    // 4, where its array is level 5.
    const value = [{ x: { y: shared } }, shared];
    expect(exceedsDepth(value, 5)).toBe(false);
    expect(exceedsDepth(value, 4)).toBe(true);
  });

  it('ends on a cycle', () => {
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expect(exceedsDepth(cycle, 64)).toBe(true);
  });

  it('measures a million levels without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    expect(exceedsDepth(deep, 999_999)).toBe(true);
    expect(exceedsDepth(deep, 1_000_000)).toBe(false);
  });
});
