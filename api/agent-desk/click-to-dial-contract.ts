/**
 * What any {@link ClickToDial} must do, run against the in-memory twin and
 * the voice layer's (media/offer/click-to-dial-call.ts). Port behaviour only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ClickToDial } from './click-to-dial.ts';

export interface ClickToDialTestFixture {
  readonly dialer: ClickToDial;
  /** An agent with a registered phone that answers. */
  readonly agentWithPhone: string;
  /** An agent with no registered phone. */
  readonly agentWithoutPhone: string;
  /** Ends every dialled call (both parties hang up) and releases the fixture. */
  close(): Promise<void>;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function describeClickToDialContract(
  name: string,
  factories: {
    /** SIP_OUTBOUND_URI set, phones registered. */
    readonly ready: () => Promise<ClickToDialTestFixture>;
    /** SIP_OUTBOUND_URI not set. */
    readonly withoutOutboundUri: () => Promise<ClickToDialTestFixture>;
  },
): void {
  describe(`ClickToDial contract: ${name}`, () => {
    let fixture: ClickToDialTestFixture | undefined;
    afterEach(async () => {
      await fixture?.close();
      fixture = undefined;
    });

    it('answers with a new call id (a UUID, as call rows are keyed) at once', async () => {
      fixture = await factories.ready();
      expect(fixture.dialer.unavailable()).toBeUndefined();
      const { callId } = await fixture.dialer.dial(fixture.agentWithPhone, '+15557654321');
      expect(callId).toMatch(uuidPattern);
    });

    it('refuses a second call for an agent whose dialled call is in progress', async () => {
      fixture = await factories.ready();
      await fixture.dialer.dial(fixture.agentWithPhone, '+15557654321');
      await expect(
        fixture.dialer.dial(fixture.agentWithPhone, '+15557654322'),
      ).rejects.toMatchObject({ code: 'conflict' });
    });

    it('refuses an agent without a registered phone with conflict', async () => {
      fixture = await factories.ready();
      await expect(
        fixture.dialer.dial(fixture.agentWithoutPhone, '+15557654321'),
      ).rejects.toMatchObject({ code: 'conflict', message: /no registered phone/ });
    });

    it('refuses with unavailable, naming SIP_OUTBOUND_URI, when it is not set', async () => {
      fixture = await factories.withoutOutboundUri();
      expect(fixture.dialer.unavailable()).toMatchObject({
        code: 'unavailable',
        message: expect.stringContaining('SIP_OUTBOUND_URI') as unknown,
      });
      await expect(
        fixture.dialer.dial(fixture.agentWithPhone, '+15557654321'),
      ).rejects.toMatchObject({ code: 'unavailable', message: /SIP_OUTBOUND_URI/ });
    });
  });
}
