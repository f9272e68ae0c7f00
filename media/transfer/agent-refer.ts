import type { Logger } from '../../platform/logger.ts';
import type { ConnectedLeg } from '../freeswitch/connected-leg.ts';
import type { Dialer } from '../freeswitch/free-switch-call-session.ts';
import type { LiveCalls } from '../live-call/live-calls.ts';
import { guardedSipHandler } from '../sip/guarded-sip-handler.ts';
import { headerUri, uriUser, type SipRequest, type SipResponse } from '../sip/sip-message.ts';

/** drachtio-srf `Dialog#request`, for the NOTIFY that reports a REFER's progress. */
interface NotifyingDialog {
  request?(options: {
    readonly method: 'NOTIFY';
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string;
  }): Promise<unknown>;
}

export interface AgentReferOptions {
  readonly calls: LiveCalls;
  readonly dialer: Dialer;
  /** How long the transfer target rings. Default 30 s. */
  readonly timeoutMs?: number;
  /**
   * E.164 prefixes a phone may transfer to (`+1`, `+44`); others, and SIP
   * URIs, are refused with 403 (`SIP_TRANSFER_NUMBERS`).
   */
  readonly allowedNumberPrefixes: readonly string[];
  readonly logger: Logger;
}

/**
 * Blind transfer from the agent's phone: a REFER on the agent's dialog is
 * accepted (202) when its `Refer-To` is a number under one of the allowed
 * prefixes (anything else, SIP URIs included, gets 403: toll fraud), the
 * number is dialled through the carrier, and when it answers the caller is handed
 * over to it and the agent's leg ends. The phone is told how it went with a
 * NOTIFY carrying a `message/sipfrag` status line (RFC 3515). One transfer
 * at a time per call: a REFER while one is dialling gets 491.
 *
 * @example
 * refers.watch(contactId, agentLeg); // when the agent's leg is answered
 */
export class AgentRefer {
  /** Calls with a REFER's transfer under way: one at a time per call. */
  private readonly transferring = new Set<string>();

  constructor(private readonly options: AgentReferOptions) {}

  watch(callId: string, leg: ConnectedLeg): void {
    const transfer = guardedSipHandler(
      (request, response) => this.transfer(callId, leg, request, response),
      { logger: this.options.logger.child({ callId }) },
    );
    leg.dialog.on('refer', (request, response) => void transfer(request, response));
  }

  private async transfer(
    callId: string,
    leg: ConnectedLeg,
    request: SipRequest,
    response: SipResponse,
  ): Promise<void> {
    const log = this.options.logger.child({ callId });
    const session = this.options.calls.get(callId);
    const referTo = headerUri(request, 'Refer-To');
    if (referTo === undefined) {
      response.send(400, 'Missing Refer-To');
      return;
    }
    if (session === undefined || session.ended || session.bridgedPeer?.leg !== leg) {
      response.send(481, 'Call Does Not Exist');
      return;
    }
    const destination = this.allowedNumber(uriUser(referTo));
    if (destination === undefined) {
      // A phone is a thing anyone may take over: it must not dial the world.
      log.warn({ referTo }, 'REFER refused: not a number transfers may dial');
      response.send(403, 'Transfer Destination Not Allowed');
      return;
    }
    if (this.transferring.has(callId)) {
      // A phone taken over must not dial the world several times over for one call.
      response.send(491, 'Request Pending');
      return;
    }
    this.transferring.add(callId);
    try {
      response.send(202);
      await this.dialAndHandOver(callId, session, leg, destination);
    } finally {
      this.transferring.delete(callId);
    }
  }

  private async dialAndHandOver(
    callId: string,
    session: NonNullable<ReturnType<LiveCalls['get']>>,
    leg: ConnectedLeg,
    destination: string,
  ): Promise<void> {
    const log = this.options.logger.child({ callId });
    const result = await this.options.dialer.dial(destination, {
      timeoutMs: this.options.timeoutMs ?? 30_000,
      callerNumber: session.callerNumber,
    });
    if (result.outcome !== 'answered') {
      log.info({ destination, outcome: result.outcome }, 'REFER target did not answer');
      await this.notify(
        leg,
        result.outcome === 'busy' ? '486 Busy Here' : '480 Temporarily Unavailable',
      );
      return;
    }
    await this.notify(leg, '200 OK');
    try {
      await session.handOver(result.leg);
      log.info({ destination }, 'agent transferred the call');
    } catch (error) {
      log.warn({ err: error, destination }, 'REFER target answered but the caller was gone');
    }
  }

  /** The E.164 number a REFER may dial, or undefined: only numbers, and only under the allowed prefixes. */
  private allowedNumber(user: string | undefined): string | undefined {
    if (user === undefined || !/^\+?[0-9]{3,15}$/.test(user)) return undefined;
    const number = user.startsWith('+') ? user : `+${user}`;
    return this.options.allowedNumberPrefixes.some((prefix) => number.startsWith(prefix))
      ? number
      : undefined;
  }

  private async notify(leg: ConnectedLeg, status: string): Promise<void> {
    const dialog = leg.dialog as NotifyingDialog;
    if (leg.ended || dialog.request === undefined) return;
    await dialog
      .request({
        method: 'NOTIFY',
        headers: {
          Event: 'refer',
          'Subscription-State': 'terminated;reason=noresource',
          'Content-Type': 'message/sipfrag;version=2.0',
        },
        body: `SIP/2.0 ${status}\r\n`,
      })
      .catch((error: unknown) => this.options.logger.info({ err: error }, 'NOTIFY not delivered'));
  }
}
