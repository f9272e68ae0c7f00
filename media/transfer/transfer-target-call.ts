import { releaseQuietly, type AgentEngagements } from '../../api/agent-desk/agent-engagements.ts';
import type { CallClock } from '../../ivr/call-clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { CallRecordSink } from '../call-record/call-record.ts';
import { LegRecord } from '../call-record/leg-record.ts';
import type { ConnectedLeg } from '../freeswitch/connected-leg.ts';
import type { Dialer } from '../freeswitch/free-switch-call-session.ts';
import { isDecline, type DeviceRinger } from '../offer/device-ringer.ts';
import { ringLegEnd } from '../offer/ring-leg-end.ts';

/** Whom a transfer or consultation calls: an agent's registered phones, or a number. */
export type TransferTargetSpec =
  | { readonly kind: 'agent'; readonly agentId: string }
  | { readonly kind: 'number'; readonly number: string };

/** A target engaged (an agent) and ready to ring. */
export interface ReservedTarget {
  /**
   * Rings the target once; resolves with the answered leg, or undefined
   * when nobody answered (or `signal` aborted). Either way the target's
   * `call_legs` row is written (role `transfer`); the agent's engagement is
   * released when the ring fails or, once answered, when the leg ends.
   */
  ring(signal?: AbortSignal): Promise<ConnectedLeg | undefined>;
  /** Releases the engagement of a target never rung. */
  release(): Promise<void>;
}

export interface TransferTargetCallOptions {
  /** Agents' registered phones (`RegistrationStore`). */
  readonly devices: {
    bindings(userId: string): Promise<readonly { readonly contact: string }[]>;
  };
  readonly ringer: Pick<DeviceRinger, 'ring'>;
  readonly dialer: Dialer;
  /** Routing's engage/release (`routing.desk`); absent: agents are not engaged. */
  readonly engagements?: AgentEngagements;
  readonly records: CallRecordSink;
  /** How long the target rings. Default 30 s. */
  readonly ringTimeoutMs?: number;
  readonly clock: CallClock;
  readonly logger: Logger;
}

/**
 * Calls the target of a transfer or consultation of `callId`: an agent is
 * first engaged in routing (refused with routing's `conflict` when they
 * cannot take it, e.g. not available, or `conflict` when they have no
 * registered phone), then their phones ring through the {@link DeviceRinger};
 * a number is dialled through the carrier.
 *
 * @example
 * const target = await targets.reserve(callId, { kind: 'agent', agentId }, 'transfer', callerNumber);
 * const leg = await target.ring();
 */
export class TransferTargetCall {
  constructor(private readonly options: TransferTargetCallOptions) {}

  async reserve(
    callId: string,
    target: TransferTargetSpec,
    kind: 'transfer' | 'consult',
    callerNumber: string,
  ): Promise<ReservedTarget> {
    if (target.kind === 'number') {
      const uri = `tel:${target.number}`;
      return {
        ring: (signal) => this.dialNumber(callId, target.number, uri, callerNumber, signal),
        release: () => Promise.resolve(),
      };
    }
    const { engagements, logger } = this.options;
    await engagements?.engage(target.agentId, callId, kind);
    const release = () => releaseQuietly(engagements, target.agentId, callId, logger);
    const phones = await this.options.devices.bindings(target.agentId).catch(async (error) => {
      await release();
      throw error;
    });
    if (phones.length === 0) {
      await release();
      throw new SwitchboardError('conflict', 'The agent has no registered phone', {
        reason: 'no-phone',
      });
    }
    const uris = phones.map((phone) => phone.contact);
    return {
      ring: (signal) => this.ringAgent(callId, target.agentId, uris, signal, release),
      release,
    };
  }

  private async ringAgent(
    callId: string,
    agentId: string,
    uris: readonly string[],
    signal: AbortSignal | undefined,
    release: () => Promise<void>,
  ): Promise<ConnectedLeg | undefined> {
    const { clock } = this.options;
    const record = new LegRecord(this.options.records, clock, {
      callId,
      role: 'transfer',
      userId: agentId,
      sipUri: uris[0] ?? '',
      name: `transfer:${callId}:${agentId}:${clock.now()}`,
    });
    let gone = 0;
    const outcome = await this.options.ringer.ring(uris, {
      timeoutMs: this.options.ringTimeoutMs ?? 30_000,
      signal,
      headers: { From: '"Transfer" <sip:transfer@localhost>' },
      onDeviceFailed: (_uri, status) => {
        if (!isDecline(status)) gone += 1;
      },
    });
    if (outcome.kind !== 'answered') {
      record.ended(...ringLegEnd(outcome, gone === uris.length));
      await release();
      return undefined;
    }
    return this.answered(record, outcome.uri, outcome.leg, release);
  }

  private async dialNumber(
    callId: string,
    number: string,
    uri: string,
    callerNumber: string,
    signal?: AbortSignal,
  ): Promise<ConnectedLeg | undefined> {
    const record = new LegRecord(this.options.records, this.options.clock, {
      callId,
      role: 'transfer',
      userId: null,
      sipUri: uri,
      name: `transfer:${callId}:${this.options.clock.now()}`,
    });
    const result = await this.options.dialer.dial(number, {
      timeoutMs: this.options.ringTimeoutMs ?? 30_000,
      callerNumber,
      signal,
    });
    if (result.outcome !== 'answered') {
      record.ended(result.outcome === 'busy' ? 'declined' : result.outcome);
      return undefined;
    }
    return this.answered(record, uri, result.leg, () => Promise.resolve());
  }

  private answered(
    record: LegRecord,
    uri: string,
    leg: ConnectedLeg,
    release: () => Promise<void>,
  ): ConnectedLeg {
    record.answered({
      sipUri: uri,
      sipCallId: leg.dialog.sip.callId,
      mediaUuid: leg.endpoint.uuid,
    });
    leg.onEnded(() => {
      record.ended('normal');
      void release();
    });
    return leg;
  }
}
