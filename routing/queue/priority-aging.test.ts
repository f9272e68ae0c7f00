import { describe, expect, it } from 'vitest';
import { contactRank } from './priority-aging.ts';

describe('contactRank', () => {
  const step = 60_000;
  it.each([
    // [description, a (enqueuedAt, priority), b, a served first?]
    ['more urgent first at the same time', [0, 1], [0, 2], true],
    ['first in, first out within a priority', [0, 3], [1, 3], true],
    ['urgent arrival within one step passes', [50_000, 1], [0, 2], true],
    ['urgent arrival after one step does not', [70_000, 1], [0, 2], false],
    ['priority 5 waiting 4 steps beats a new priority 1', [4 * step + 1, 1], [0, 5], false],
  ] as const)('%s', (_, a, b, aFirst) => {
    expect(contactRank(a[0], a[1], step) < contactRank(b[0], b[1], step)).toBe(aFirst);
  });
});
