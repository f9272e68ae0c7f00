import { describe, expect, it } from 'vitest';
import { createAcdKeys, renderLuaKeyBuilders } from './acd-keys.ts';

describe('createAcdKeys', () => {
  const keys = createAcdKeys('sb:');

  it.each([
    [keys.events(), 'sb:acd:events'],
    [keys.queue('support'), 'sb:acd:queue:support'],
    [keys.queueBucket('q1', 'voice', 'en:3'), 'sb:acd:queue:q1:voice:waiting:en:3'],
    [keys.queueAvailableSkill('q1', 'chat', 'en', '7'), 'sb:acd:queue:q1:chat:available:en:7'],
    [keys.offer('o-1'), 'sb:acd:offer:o-1'],
  ])('builds %s', (actual, expected) => {
    expect(actual).toBe(expected);
  });

  it('renders the same layout for Lua', () => {
    const lua = renderLuaKeyBuilders();
    expect(lua).toContain(
      `K.queueBucket = function(queueId, channel, signature) return P .. "acd:" .. 'queue:' .. queueId .. ':' .. channel .. ':waiting:' .. signature end`,
    );
    expect(lua).toContain(`K.events = function() return P .. "acd:" .. 'events' end`);
  });
});
