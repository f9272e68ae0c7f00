import type { DeviceRinger } from '../offer/device-ringer.ts';
import type { Dialer, DialResult } from '../freeswitch/free-switch-call-session.ts';

export interface OutboundDialerOptions {
  readonly ringer: DeviceRinger;
  /**
   * Where a phone number goes: a SIP URI template with `{number}`, e.g.
   * `sip:{number}@carrier.example.net` (setting `SIP_OUTBOUND_URI`). SIP URIs
   * are dialled as they are.
   */
  readonly numberUri: string;
}

const noAnswerStatuses = new Set([408, 480, 487]);

/**
 * The {@link Dialer} port: places an outbound leg to a number (through the
 * carrier URI template) or a SIP URI, from a fresh FreeSWITCH endpoint.
 * Busy and declined map to `busy`; timeouts and 408/480 to `noAnswer`;
 * anything else to `failed`.
 *
 * @example
 * const dialer = new OutboundDialer({ ringer, numberUri: 'sip:{number}@carrier.example.net' });
 * const result = await dialer.dial('+15557654321', { timeoutMs: 30_000, callerNumber: '+15550001111' });
 */
export class OutboundDialer implements Dialer {
  constructor(private readonly options: OutboundDialerOptions) {}

  /** The request URI `destination` is dialled at. */
  uriFor(destination: string): string {
    if (/^sips?:/i.test(destination)) return destination;
    return this.options.numberUri.replace('{number}', encodeURIComponent(destination));
  }

  async dial(
    destination: string,
    options: {
      readonly timeoutMs: number;
      readonly callerNumber: string;
      readonly signal?: AbortSignal;
    },
  ): Promise<DialResult> {
    const caller = options.callerNumber.replace(/[^0-9+*#a-zA-Z]/g, '') || 'anonymous';
    const outcome = await this.options.ringer.ring([this.uriFor(destination)], {
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      headers: { From: `<sip:${caller}@localhost>` },
    });
    switch (outcome.kind) {
      case 'answered':
        return { outcome: 'answered', leg: outcome.leg };
      case 'declined':
        return { outcome: 'busy' };
      case 'noAnswer':
        return outcome.status === undefined || noAnswerStatuses.has(outcome.status)
          ? { outcome: 'noAnswer' }
          : { outcome: 'failed' };
      case 'cancelled':
      case 'failed':
        return { outcome: 'failed' };
    }
  }
}
