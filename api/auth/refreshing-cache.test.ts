import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock.ts';
import { RefreshingCache } from './refreshing-cache.ts';

/** A source of values whose reads are counted and can be held open. */
function source(initial: Record<string, string>) {
  const values = new Map(Object.entries(initial));
  const reads: string[][] = [];
  let gate: Promise<void> | undefined;
  return {
    values,
    reads,
    hold() {
      let open!: () => void;
      gate = new Promise<void>((resolve) => (open = resolve));
      return () => {
        gate = undefined;
        open();
      };
    },
    load: async (keys: readonly string[]) => {
      reads.push([...keys]);
      const found = new Map<string, string>();
      for (const key of keys) {
        const value = values.get(key);
        if (value !== undefined) found.set(key, value);
      }
      if (gate !== undefined) await gate;
      return found;
    },
  };
}

function cacheOver(s: ReturnType<typeof source>, clock: ManualClock, ttlMs = 3_000) {
  return new RefreshingCache<string>({
    ttlMs,
    keepWarmMs: 60_000,
    maxEntries: 100,
    clock,
    load: s.load,
  });
}

describe('RefreshingCache', () => {
  it('reads misses of one turn in one batch and serves hits without reading', async () => {
    const s = source({ a: '1', b: '2' });
    const clock = new ManualClock(1_000);
    const cache = cacheOver(s, clock);
    expect(
      await Promise.all([cache.get('a'), cache.get('b'), cache.get('a'), cache.get('x')]),
    ).toEqual(['1', '2', '1', undefined]);
    expect(s.reads).toEqual([['a', 'b', 'x']]);
    expect(await cache.get('a')).toBe('1');
    expect(s.reads).toHaveLength(1);
    cache.close();
  });

  it('refreshes entries in use before they expire, in one batch, and drops those gone', async () => {
    const s = source({ a: '1', b: '2', c: '3' });
    const clock = new ManualClock(0);
    const cache = cacheOver(s, clock);
    await Promise.all([cache.get('a'), cache.get('b'), cache.get('c')]);
    clock.advance(1_000);
    await cache.refreshNow();
    expect(s.reads).toHaveLength(1); // younger than half the lifetime: nothing to do yet
    clock.advance(600);
    s.values.set('a', 'changed');
    s.values.delete('b');
    await cache.refreshNow();
    expect(s.reads[1]).toEqual(['a', 'b', 'c']);
    // Past the first read's lifetime, still served from the cache with the new value.
    clock.advance(2_000);
    expect(await cache.get('a')).toBe('changed');
    expect(await cache.get('c')).toBe('3');
    expect(s.reads).toHaveLength(2);
    expect(await cache.get('b')).toBeUndefined();
    expect(s.reads[2]).toEqual(['b']);
    cache.close();
  });

  it('never serves a value older than its lifetime when refreshing stops', async () => {
    const s = source({ a: '1' });
    const clock = new ManualClock(0);
    const cache = cacheOver(s, clock);
    await cache.get('a');
    s.values.set('a', '2');
    clock.advance(3_000);
    expect(await cache.get('a')).toBe('2');
    expect(s.reads).toHaveLength(2);
    cache.close();
  });

  it('does not refresh entries nobody used lately', async () => {
    const s = source({ a: '1' });
    const clock = new ManualClock(0);
    const cache = cacheOver(s, clock);
    await cache.get('a');
    clock.advance(61_000);
    await cache.refreshNow();
    expect(s.reads).toHaveLength(1);
    cache.close();
  });

  it('forget drops entries at once, and a read that raced with it is not cached', async () => {
    const s = source({ a: '1' });
    const clock = new ManualClock(0);
    const cache = cacheOver(s, clock);
    await cache.get('a');
    cache.forget((v) => v === '1');
    s.values.set('a', '2');
    const release = s.hold();
    const pending = cache.get('a');
    await new Promise((resolve) => setImmediate(resolve));
    cache.forget(() => false); // e.g. the user changed while the read ran
    release();
    expect(await pending).toBe('2');
    expect(await cache.get('a')).toBe('2');
    expect(s.reads).toHaveLength(3);
    cache.close();
  });

  it('a background refresh does not bring back an entry forgotten meanwhile', async () => {
    const s = source({ a: '1' });
    const clock = new ManualClock(0);
    const cache = cacheOver(s, clock);
    await cache.get('a');
    clock.advance(2_000);
    const release = s.hold();
    const refreshing = cache.refreshNow();
    cache.forget(() => true);
    release();
    await refreshing;
    s.values.set('a', '2');
    expect(await cache.get('a')).toBe('2');
    cache.close();
  });

  it('put caches a value read by the caller unless a forget happened since', async () => {
    const s = source({});
    const clock = new ManualClock(0);
    const cache = cacheOver(s, clock);
    const version = cache.version();
    cache.put('a', '1', version, clock.now());
    expect(await cache.get('a')).toBe('1');
    const stale = cache.version();
    cache.forget(() => false);
    cache.put('b', '2', stale, clock.now());
    expect(await cache.get('b')).toBeUndefined();
    expect(s.reads).toEqual([['b']]);
    cache.close();
  });

  it('with a zero lifetime reads the source every time', async () => {
    const s = source({ a: '1' });
    const cache = cacheOver(s, new ManualClock(0), 0);
    await cache.get('a');
    await cache.get('a');
    expect(s.reads).toHaveLength(2);
    cache.close();
  });

  it('a failed read fails its lookups and is not cached', async () => {
    const clock = new ManualClock(0);
    let fail = true;
    const cache = new RefreshingCache<string>({
      ttlMs: 3_000,
      keepWarmMs: 60_000,
      maxEntries: 100,
      clock,
      load: (keys) =>
        fail
          ? Promise.reject(new Error('database away'))
          : Promise.resolve(new Map(keys.map((k) => [k, 'v']))),
    });
    await expect(cache.get('a')).rejects.toThrow('database away');
    fail = false;
    expect(await cache.get('a')).toBe('v');
    cache.close();
  });
});
