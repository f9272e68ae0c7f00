import { describe, expect, it } from 'vitest';
import { incomingCallKey, incomingCallKind } from './incoming-call-kind.ts';

const headers =
  (values: Record<string, string>) =>
  (name: string): string | undefined =>
    Object.entries(values).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

describe('incomingCallKind', () => {
  it('finds the routing offer an INVITE rings for, keyed by its offer id', () => {
    const kind = incomingCallKind(headers({ 'X-Switchboard-Offer': ' offer-7 ' }));
    expect(kind).toEqual({ offerId: 'offer-7', autoAnswer: false });
    expect(incomingCallKey(kind, 'abc')).toBe('offer-7');
  });

  it('keys other calls (supervision legs, click-to-dial) by their own id', () => {
    const kind = incomingCallKind(headers({}));
    expect(kind).toEqual({ offerId: null, autoAnswer: false });
    expect(incomingCallKey(kind, 'abc')).toBe('call:abc');
    expect(incomingCallKind(headers({ 'X-Switchboard-Offer': '' })).offerId).toBeNull();
  });

  it('auto-answers only on an explicit true', () => {
    expect(incomingCallKind(headers({ 'X-Switchboard-Auto-Answer': 'true' })).autoAnswer).toBe(
      true,
    );
    expect(incomingCallKind(headers({ 'X-Switchboard-Auto-Answer': 'TRUE' })).autoAnswer).toBe(
      true,
    );
    expect(incomingCallKind(headers({ 'X-Switchboard-Auto-Answer': 'yes' })).autoAnswer).toBe(
      false,
    );
    expect(incomingCallKind(headers({ 'X-Switchboard-Auto-Answer': 'false' })).autoAnswer).toBe(
      false,
    );
  });
});
