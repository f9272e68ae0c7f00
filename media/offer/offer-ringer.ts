import type { CallClock } from '../../ivr/call-clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { AcdEvent } from '../../routing/acd-event.ts';
import type { RingingOffer } from '../../routing/agent/agent-state.ts';
import { isCallId } from '../call-record/call-id.ts';
import { recordCallOffered } from '../call-record/call-offered.ts';
import type { CallRecordSink } from '../call-record/call-record.ts';
import { LegRecord } from '../call-record/leg-record.ts';
import type { ConnectedLeg } from '../freeswitch/connected-leg.ts';
import type { PromptSourceOptions } from '../freeswitch/prompt-source.ts';
import type { Binding } from '../registrar/registration-store.ts';
import type { AgentLegBroker } from './agent-leg-broker.ts';
import { isDecline, type DeviceRinger, type RingOutcome } from './device-ringer.ts';
import { ringLegEnd } from './ring-leg-end.ts';
import { playToLeg, whisperPrompts } from './whisper.ts';

/** The part of routing's `AgentDesk` an offer needs. */
export interface OfferDesk {
  status(agentId: string): Promise<{ readonly offers: readonly RingingOffer[] }>;
  accept(agentId: string, offerId: string): Promise<unknown>;
  reject(agentId: string, offerId: string): Promise<void>;
  unreachable(agentId: string, offerId: string, backoffMs: number): Promise<void>;
  complete(agentId: string, contactId: string): Promise<unknown>;
}

/** Connects an accepted callback offer: dials the customer from the agent's leg. */
export interface CallbackConnector {
  /** Resolves when the callback call is over; never rejects. */
  connect(callback: {
    readonly contactId: string;
    readonly agentId: string;
    readonly queueId: string;
    readonly number: string;
    readonly agentLeg: ConnectedLeg;
  }): Promise<void>;
}

export interface OfferRingerOptions {
  /** routing's event feed (`AcdEventFeed`). */
  readonly feed: { subscribe(listener: (event: AcdEvent) => void): () => void };
  readonly desk: OfferDesk;
  /**
   * Tells routing the offer rang out: `routing.deadlines.fire({ kind: 'ring', id: offerId, dueAt })`
   * (counts the miss, moves the contact on). Idempotent in routing.
   */
  readonly ringTimedOut: (offerId: string) => Promise<void>;
  /** The agent's registered devices; stale ones are forgotten (`RegistrationStore`). */
  readonly devices: {
    bindings(userId: string): Promise<readonly Binding[]>;
    forget(userId: string, stale: readonly Binding[]): Promise<void>;
  };
  /**
   * How long an agent none of whose devices could take an offer gets no
   * voice offers (routing's back-off). Default 30 s: long enough that a
   * vanished phone is not offered caller after caller, short enough that a
   * phone restarted and registered again is soon rung.
   */
  readonly unreachableBackoffMs?: number;
  readonly ringer: DeviceRinger;
  /**
   * Where each offer of a call is written down: the call's `offered_at`, a
   * `call.offered` event, and an agent leg per offer rung (`call_legs`).
   */
  readonly records: CallRecordSink;
  readonly legs: AgentLegBroker;
  readonly callbacks: CallbackConnector;
  /** Lets the agent's phone transfer the caller with REFER (`AgentRefer`). */
  readonly refers?: { watch(callId: string, leg: ConnectedLeg): void };
  readonly prompts: PromptSourceOptions;
  /** Language of the whisper; default `en`. */
  readonly whisperLanguage?: string;
  readonly clock: CallClock;
  readonly logger: Logger;
}

interface Ringing {
  readonly contactId: string;
  readonly agentId: string;
  readonly controller: AbortController;
  acceptedElsewhere: boolean;
  /** The offer's agent leg, once a device rings (calls only, not test contacts). */
  record?: LegRecord;
}

/**
 * Rings agents' phones for the ACD's voice offers. On `contact.offered` it
 * calls the agent's registered devices (several ring at once), whispers the
 * queue and the caller to whoever answers, then accepts the offer in routing
 * and parks the leg for the caller's `bridge`. A device that declines
 * rejects the offer; no answer by the offer's expiry reports the ring
 * timeout; `offer.withdrawn`/`timed-out`/`rejected` and `contact.cancelled`
 * (the caller abandoned) cancel the ringing INVITEs. A device that fails
 * for any reason but a refusal (486, 600, 603) cannot take calls at that
 * address: its binding is forgotten, and when no device could ring at all
 * (none registered, or all gone) the offer is `unreachable` in routing, not
 * a miss, and the agent is backed off from voice offers. Callback offers
 * hand the answered agent to the {@link CallbackConnector}. When an accepted
 * agent leg ends, the contact is completed in routing (wrap-up starts).
 *
 * @example
 * const ringer = new OfferRinger({ feed: routing.feed, desk: routing.desk,
 *   ringTimedOut: (id) => routing.deadlines.fire({ kind: 'ring', id, dueAt: Date.now() }),
 *   devices: registrations, ringer: deviceRinger, legs, callbacks, prompts, clock, logger });
 * ringer.start();
 */
export class OfferRinger {
  private readonly ringing = new Map<string, Ringing>();
  private readonly work = new Set<Promise<void>>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: OfferRingerOptions) {}

  start(): void {
    this.unsubscribe ??= this.options.feed.subscribe((event) => this.onEvent(event));
  }

  /** Offers being rung now. */
  get ringingCount(): number {
    return this.ringing.size;
  }

  /** Stops taking offers, cancels the ringing ones and waits for them to wind down. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const ringing of this.ringing.values()) ringing.controller.abort(new Error('closing'));
    await Promise.allSettled([...this.work]);
  }

  /** Waits for every offer being handled (tests, drain). */
  async settled(): Promise<void> {
    while (this.work.size > 0) await Promise.allSettled([...this.work]);
  }

  private onEvent(event: AcdEvent): void {
    const { type, offerId, agentId, contactId } = event;
    if (type === 'contact.offered') {
      if (event.channel === 'voice' && offerId && agentId && contactId) {
        if (isCallId(contactId)) {
          recordCallOffered(this.options.records, {
            callId: contactId,
            offerId,
            agentId,
            queueId: event.queueId,
            at: event.at,
            eventId: event.id,
          });
        }
        this.track(this.handleOffer(offerId, agentId, contactId));
      }
    } else if (
      type === 'offer.withdrawn' ||
      type === 'offer.timed-out' ||
      type === 'offer.unreachable' ||
      type === 'offer.rejected'
    ) {
      if (offerId) this.stopRinging(offerId, type);
    } else if (type === 'contact.accepted') {
      const ringing = offerId ? this.ringing.get(offerId) : undefined;
      if (ringing !== undefined) ringing.acceptedElsewhere = true;
    } else if (type === 'contact.cancelled' && contactId) {
      for (const [id, ringing] of this.ringing) {
        if (ringing.contactId === contactId) this.stopRinging(id, type);
      }
      this.options.legs.drop(contactId, 'caller left the queue');
    }
  }

  private stopRinging(offerId: string, why: string): void {
    this.ringing.get(offerId)?.controller.abort(new Error(why));
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) =>
      this.options.logger.error({ err: error }, 'offer handling failed'),
    );
    this.work.add(tracked);
    void tracked.finally(() => this.work.delete(tracked));
  }

  private async handleOffer(offerId: string, agentId: string, contactId: string): Promise<void> {
    if (this.ringing.has(offerId)) return;
    const state: Ringing = {
      contactId,
      agentId,
      controller: new AbortController(),
      acceptedElsewhere: false,
    };
    this.ringing.set(offerId, state);
    const log = this.options.logger.child({ callId: contactId, agentId, offerId });
    try {
      const offer = (await this.options.desk.status(agentId)).offers.find(
        (candidate) => candidate.offerId === offerId,
      );
      if (offer === undefined || state.controller.signal.aborted) return;
      const devices = await this.options.devices.bindings(agentId);
      const first = devices[0];
      if (first !== undefined && isCallId(contactId)) {
        state.record = new LegRecord(this.options.records, this.options.clock, {
          callId: contactId,
          role: 'agent',
          userId: agentId,
          sipUri: first.contact,
          name: `offer:${offerId}`,
        });
      }
      // Devices that failed with no person's refusal: their bindings are stale.
      const gone: Binding[] = [];
      const outcome = await this.options.ringer.ring(
        devices.map((binding) => binding.contact),
        {
          timeoutMs: Math.max(0, offer.expiresAt - this.options.clock.now()),
          signal: state.controller.signal,
          headers: offerHeaders(offer),
          onDeviceFailed: (uri, status) => {
            const binding = devices.find((candidate) => candidate.contact === uri);
            if (binding !== undefined && !isDecline(status)) gone.push(binding);
            log.info({ uri, status }, 'device could not take the offer');
          },
        },
      );
      await this.options.devices.forget(agentId, gone).catch((error: unknown) => {
        log.warn({ err: error }, 'could not forget stale device bindings');
      });
      const unreachable = gone.length === devices.length;
      await this.ended(outcome, offer, state, unreachable, log);
    } finally {
      this.ringing.delete(offerId);
    }
  }

  /** Tells routing how the ring ended (or goes on with the answered leg). */
  private async ended(
    outcome: RingOutcome,
    offer: RingingOffer,
    state: Ringing,
    unreachable: boolean,
    log: OfferRingerOptions['logger'],
  ): Promise<void> {
    const { agentId } = state;
    const { offerId } = offer;
    if (outcome.kind === 'answered') {
      state.record?.answered({
        sipUri: outcome.uri,
        sipCallId: outcome.leg.dialog.sip.callId,
        mediaUuid: outcome.leg.endpoint.uuid,
      });
    } else {
      state.record?.ended(...ringLegEnd(outcome, unreachable));
    }
    switch (outcome.kind) {
      case 'answered':
        await this.answered(offer, outcome.leg, state, log);
        return;
      case 'declined':
        log.info({ status: outcome.status }, 'agent declined the offer');
        await this.options.desk.reject(agentId, offerId).catch((error: unknown) => {
          log.info({ err: error }, 'offer already over when declined');
        });
        return;
      case 'noAnswer':
        if (unreachable) {
          // Nothing rang for a person to miss: no miss counted; next agent now.
          const backoffMs = this.options.unreachableBackoffMs ?? 30_000;
          log.warn({ backoffMs }, 'no device of the agent could take the offer; passed on');
          await this.options.desk
            .unreachable(agentId, offerId, backoffMs)
            .catch((error: unknown) => {
              log.info({ err: error }, 'offer already over when found unreachable');
            });
          return;
        }
        log.info({ status: outcome.status }, 'offer rang out');
        await this.options.ringTimedOut(offerId);
        return;
      case 'failed': {
        // FreeSWITCH could not set the ring up (not connected, out of channels):
        // not the agent's miss, and offering them the call again at once would
        // fail again in a tight loop. The caller goes to the next agent.
        const backoffMs = this.options.unreachableBackoffMs ?? 30_000;
        log.warn({ reason: outcome.reason, backoffMs }, 'could not ring the agent; passed on');
        await this.options.desk.unreachable(agentId, offerId, backoffMs).catch(() => undefined);
        return;
      }
      case 'cancelled':
        return;
    }
  }

  private async answered(
    offer: RingingOffer,
    leg: ConnectedLeg,
    state: Ringing,
    log: OfferRingerOptions['logger'],
  ): Promise<void> {
    const { agentId } = state;
    const whispered = await playToLeg(
      leg,
      whisperPrompts(
        {
          queueId: offer.queueId,
          callerNumber: offer.callerNumber,
          callbackNumber: offer.callback ? offer.callbackNumber : undefined,
        },
        this.options.whisperLanguage ?? 'en',
      ),
      { prompts: this.options.prompts, logger: log, signal: state.controller.signal },
    );
    if (!whispered) {
      await leg.hangup();
      state.record?.ended(state.controller.signal.aborted ? 'withdrawn' : 'hungUpInWhisper');
      if (!state.controller.signal.aborted) {
        // The agent hung up during the whisper: a refusal, not a miss.
        await this.options.desk.reject(agentId, offer.offerId).catch(() => undefined);
      }
      return;
    }
    if (!state.acceptedElsewhere) {
      try {
        await this.options.desk.accept(agentId, offer.offerId);
      } catch (error) {
        if (!state.acceptedElsewhere) {
          log.info({ err: error }, 'offer ended before the agent answered; leg released');
          await leg.hangup();
          state.record?.ended('withdrawn');
          return;
        }
      }
    }
    log.info('agent answered the offer');
    leg.onEnded(() => {
      state.record?.ended('normal');
      this.track(this.complete(agentId, offer.contactId));
    });
    if (offer.callback && offer.callbackNumber) {
      await this.options.callbacks.connect({
        contactId: offer.contactId,
        agentId,
        queueId: offer.queueId,
        number: offer.callbackNumber,
        agentLeg: leg,
      });
      return;
    }
    this.options.refers?.watch(offer.contactId, leg);
    this.options.legs.hold(offer.contactId, agentId, leg);
  }

  private async complete(agentId: string, contactId: string): Promise<void> {
    await this.options.desk.complete(agentId, contactId).catch((error: unknown) => {
      // The agent may have completed it from the desktop already.
      this.options.logger.debug({ err: error, agentId, contactId }, 'contact not completed here');
    });
  }
}

/** INVITE headers that let the phone show who is calling and which offer this is. */
function offerHeaders(offer: RingingOffer): Record<string, string> {
  const number = (offer.callback ? offer.callbackNumber : offer.callerNumber) ?? 'switchboard';
  const user = number.replace(/[^0-9+*#a-zA-Z]/g, '') || 'switchboard';
  return {
    From: `"${offer.queueId}" <sip:${user}@localhost>`,
    'X-Switchboard-Offer': offer.offerId,
    'X-Switchboard-Queue': offer.queueId,
  };
}
