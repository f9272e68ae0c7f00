import type { CallClock } from '../../ivr/call-clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { ConnectedLeg } from '../freeswitch/connected-leg.ts';
import type { AgentLegs } from '../freeswitch/free-switch-call-session.ts';

interface Claim {
  readonly agentId: string;
  readonly resolve: (leg: ConnectedLeg | undefined) => void;
}

interface HeldLeg {
  readonly agentId: string;
  readonly leg: ConnectedLeg;
  readonly timer: unknown;
  readonly stopWatching: () => void;
}

/**
 * Where an answered, accepted agent leg waits for the caller's flow to take it
 * (`enqueue` sees the ACD's `accepted` update and calls `session.bridge`).
 * A leg nobody takes within `holdMs` (the caller hung up in the same instant)
 * is hung up, so an agent never sits on a silent line. The ACD's `accepted`
 * update can reach the caller before the leg is parked (the event stream and
 * the accept reply race), so `take` waits up to `claimMs` for it.
 *
 * @example
 * broker.hold(contactId, agentId, leg);
 * const leg = await broker.take(callId, agentId); // in FreeSwitchCallSession.bridge
 */
export class AgentLegBroker implements AgentLegs {
  private readonly held = new Map<string, HeldLeg>();
  private readonly claims = new Map<string, Claim>();

  constructor(
    private readonly options: {
      readonly clock: CallClock;
      readonly logger: Logger;
      /** How long an accepted leg waits for its caller. Default 10 s. */
      readonly holdMs?: number;
      /** How long `take` waits for a leg not parked yet. Default 2 s. */
      readonly claimMs?: number;
    },
  ) {}

  /** Parks `leg` for `callId`; a leg already parked for the call is hung up. */
  hold(callId: string, agentId: string, leg: ConnectedLeg): void {
    this.drop(callId, 'replaced');
    const claim = this.claims.get(callId);
    if (claim?.agentId === agentId && !leg.ended) {
      this.claims.delete(callId);
      claim.resolve(leg);
      return;
    }
    const timer = this.options.clock.setTimeout(
      () => this.drop(callId, 'not taken in time'),
      this.options.holdMs ?? 10_000,
    );
    const stopWatching = leg.onEnded(() => {
      const current = this.held.get(callId);
      if (current?.leg === leg) this.forget(callId, current);
    });
    this.held.set(callId, { agentId, leg, timer, stopWatching });
  }

  /** The leg parked for `callId` by `agentId`, waiting up to `claimMs` for it; undefined if none comes. */
  take(callId: string, agentId: string): Promise<ConnectedLeg | undefined> {
    const held = this.held.get(callId);
    if (held !== undefined && held.agentId === agentId) {
      this.forget(callId, held);
      return Promise.resolve(held.leg);
    }
    this.claims.get(callId)?.resolve(undefined);
    return new Promise((resolve) => {
      const timer = this.options.clock.setTimeout(() => {
        if (this.claims.get(callId) === claim) this.claims.delete(callId);
        resolve(undefined);
      }, this.options.claimMs ?? 2_000);
      const claim: Claim = {
        agentId,
        resolve: (leg) => {
          this.options.clock.clearTimeout(timer);
          resolve(leg);
        },
      };
      this.claims.set(callId, claim);
    });
  }

  /** Hangs up the leg parked for `callId`, if any (the caller left). */
  drop(callId: string, why: string): void {
    const held = this.held.get(callId);
    if (held === undefined) return;
    this.forget(callId, held);
    this.options.logger.info({ callId, agentId: held.agentId, why }, 'agent leg released');
    void held.leg.hangup();
  }

  /** Legs parked now. */
  get size(): number {
    return this.held.size;
  }

  private forget(callId: string, held: HeldLeg): void {
    this.options.clock.clearTimeout(held.timer);
    held.stopWatching();
    this.held.delete(callId);
  }
}
