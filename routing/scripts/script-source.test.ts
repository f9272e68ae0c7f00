import { describe, expect, it } from 'vitest';
import { loadScriptSources } from './script-source.ts';

describe('loadScriptSources', () => {
  const sources = loadScriptSources();

  it('finds every script with its key count and resolves includes', () => {
    const enqueue = sources.find((s) => s.name === 'enqueue');
    expect(enqueue?.numberOfKeys).toBe(3);
    expect(enqueue?.lua).not.toMatch(/@include/);
    expect(enqueue?.lua).toContain('K.queueBucket = function');
    expect(sources.length).toBeGreaterThanOrEqual(19);
  });

  it('versions command names by content', () => {
    for (const source of sources) expect(source.commandName).toMatch(/^acd_[a-z_]+_[0-9a-f]{10}$/);
  });
});
