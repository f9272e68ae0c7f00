import { describe, expect, it } from 'vitest';
import { InviteFloodGuard } from './invite-flood-guard.ts';

async function send(guard: InviteFloodGuard, source: string, count: number) {
  const decisions = [];
  for (let i = 0; i < count; i += 1) decisions.push(await guard.admit(source));
  return decisions;
}

describe('InviteFloodGuard', () => {
  it('admits up to the rate from one address, then refuses it for the block, once logged', async () => {
    const guard = new InviteFloodGuard({ invitesPerSecond: 5, blockSeconds: 60 });
    const decisions = await send(guard, '192.0.2.66', 8);
    expect(decisions.slice(0, 5).every((d) => d.admitted)).toBe(true);
    const refused = decisions.slice(5);
    expect(refused.every((d) => !d.admitted)).toBe(true);
    expect(refused.map((d) => (d.admitted ? undefined : d.newlyBlocked))).toEqual([
      true,
      false,
      false,
    ]);
    expect(refused[0]).toMatchObject({ retryAfterSeconds: 60 });
  });

  it('keeps admitting other addresses while one is refused', async () => {
    const guard = new InviteFloodGuard({ invitesPerSecond: 5 });
    await send(guard, '192.0.2.66', 20);
    expect(await guard.admit('192.0.2.10')).toEqual({ admitted: true });
  });

  it('never limits trusted addresses and ranges (a carrier sends every call)', async () => {
    const guard = new InviteFloodGuard({
      invitesPerSecond: 2,
      trustedSources: ['203.0.113.0/28', '198.51.100.7', '2001:db8::/32'],
    });
    for (const source of ['203.0.113.9', '198.51.100.7', '2001:db8::5']) {
      const decisions = await send(guard, source, 10);
      expect(
        decisions.every((d) => d.admitted),
        source,
      ).toBe(true);
    }
    expect((await send(guard, '203.0.113.99', 3)).at(-1)?.admitted).toBe(false);
  });
});
