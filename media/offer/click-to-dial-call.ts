import { releaseQuietly, type AgentEngagements } from '../../api/agent-desk/agent-engagements.ts';
import {
  alreadyDialling,
  noPhone,
  outboundUriMissing,
  type ClickToDial,
} from '../../api/agent-desk/click-to-dial.ts';
import type { CallClock } from '../../ivr/call-clock.ts';
import type { IdGenerator } from '../../platform/id-generator.ts';
import type { Logger } from '../../platform/logger.ts';
import type { CallRecordSink } from '../call-record/call-record.ts';
import { CallRecorder } from '../call-record/call-recorder.ts';
import { LegRecord } from '../call-record/leg-record.ts';
import type { CallbackCall } from './callback-call.ts';
import { isDecline, type DeviceRinger } from './device-ringer.ts';
import { ringLegEnd } from './ring-leg-end.ts';

export interface ClickToDialCallOptions {
  /** Agents' registered phones (`RegistrationStore`). */
  readonly devices: {
    bindings(userId: string): Promise<readonly { readonly contact: string }[]>;
  };
  readonly ringer: Pick<DeviceRinger, 'ring'>;
  /** Dials the customer once the agent answers, bridges and records (as for callbacks). */
  readonly customer: Pick<CallbackCall, 'connect'>;
  readonly records: CallRecordSink;
  /** SIP_OUTBOUND_URI; undefined: numbers have no carrier and dialling is refused. */
  readonly outboundUri: string | undefined;
  /** The number customers see (`SIP_CALLBACK_CALLER_ID`). */
  readonly callerNumber: string;
  /** How long the agent's phone rings. Default 30 s. */
  readonly ringTimeoutMs?: number;
  /**
   * Routing's engage/release (`routing.desk`): the agent is busy on the call
   * from before their phone rings until it ends, so no queue offers them a
   * caller mid-call. Absent: routing is not told (tests of the voice path alone).
   */
  readonly engagements?: AgentEngagements;
  readonly clock: CallClock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
}

/**
 * The voice layer's click-to-dial ({@link ClickToDial}): the agent's
 * registered phones ring first (their display shows the number to be
 * called), and once one answers the customer is dialled through the
 * carrier, bridged and recorded exactly as a callback is
 * ({@link CallbackCall}). The call row (`outbound`, with the agent) is
 * written from the first ring, so the id the API hands back names a call
 * whatever becomes of it. One dialled call per agent at a time. The
 * agent is engaged in routing before anything rings (refused with routing's
 * `conflict` naming why) and released when the call ends or fails.
 *
 * @example
 * const outbound = new ClickToDialCall({ devices: registrations, ringer, customer: callbacks,
 *   records, outboundUri: config.voice.outboundUri, callerNumber, clock, ids, logger });
 * const { callId } = await outbound.dial(agentId, '+442071234567');
 */
export class ClickToDialCall implements ClickToDial {
  /** Call id of each agent's dialled call in progress. */
  private readonly dialling = new Map<string, string>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: ClickToDialCallOptions) {}

  unavailable() {
    return this.options.outboundUri === undefined ? outboundUriMissing() : undefined;
  }

  async dial(agentId: string, number: string): Promise<{ readonly callId: string }> {
    const refusal = this.unavailable();
    if (refusal !== undefined) throw refusal;
    if (this.dialling.has(agentId)) throw alreadyDialling();
    const phones = await this.options.devices.bindings(agentId);
    if (phones.length === 0) throw noPhone();
    // Checked again: another request may have started one while the bindings were read.
    if (this.dialling.has(agentId)) throw alreadyDialling();
    const callId = this.options.ids.next();
    this.dialling.set(agentId, callId);
    try {
      await this.options.engagements?.engage(agentId, callId, 'click-to-dial');
    } catch (error) {
      this.dialling.delete(agentId);
      throw error;
    }
    const placed = this.place(
      callId,
      agentId,
      number,
      phones.map((p) => p.contact),
    )
      .catch((error: unknown) => {
        this.options.logger.error({ err: error, callId }, 'click-to-dial call failed');
      })
      .then(() => releaseQuietly(this.options.engagements, agentId, callId, this.options.logger))
      .finally(() => {
        this.dialling.delete(agentId);
        this.running.delete(placed);
      });
    this.running.add(placed);
    return { callId };
  }

  /** Settles when every dialled call in progress has ended (for the drain at shutdown). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  private async place(
    callId: string,
    agentId: string,
    number: string,
    phones: readonly string[],
  ): Promise<void> {
    const { clock, ids } = this.options;
    const record = new CallRecorder(this.options.records, clock, ids, {
      id: callId,
      direction: 'outbound',
      fromNumber: this.options.callerNumber,
      toNumber: number,
      agentId,
      // The number as asked for; the carrier URI it is dialled at is the dialler's business.
      ownLeg: { role: 'outbound-customer', sipUri: `tel:${number}` },
    });
    const agentLeg = new LegRecord(this.options.records, clock, {
      callId,
      role: 'agent',
      userId: agentId,
      sipUri: phones[0] ?? '',
      name: `click-to-dial:${callId}`,
    });
    let gone = 0;
    const outcome = await this.options.ringer.ring(phones, {
      timeoutMs: this.options.ringTimeoutMs ?? 30_000,
      // The number is E.164 (checked by the API): safe in a header, and what the agent's phone shows.
      // The agent just asked for this call: a browser phone answers it at once
      // (desk phones ignore the header and ring).
      headers: {
        From: `"${number}" <sip:${number}@localhost>`,
        'X-Switchboard-Auto-Answer': 'true',
      },
      onDeviceFailed: (_uri, status) => {
        if (!isDecline(status)) gone += 1;
      },
    });
    if (outcome.kind !== 'answered') {
      agentLeg.ended(...ringLegEnd(outcome, gone === phones.length));
      record.update(
        {
          endedAt: new Date(clock.now()),
          hangupCause: 'agentNoAnswer',
          disposition: outcome.kind === 'failed' ? 'failed' : 'no-answer',
        },
        'call.ended',
      );
      return;
    }
    agentLeg.answered({
      sipUri: outcome.uri,
      sipCallId: outcome.leg.dialog.sip.callId,
      mediaUuid: outcome.leg.endpoint.uuid,
    });
    outcome.leg.onEnded(() => agentLeg.ended('normal'));
    await this.options.customer.connect({ agentId, number, agentLeg: outcome.leg, record });
  }
}
