import type { CallClock } from '../../ivr/call-clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { ConnectedLeg } from '../freeswitch/connected-leg.ts';
import type { AgentLegs } from '../freeswitch/free-switch-call-session.ts';

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
 * is hung up, so an agent never sits on a silent line.
 *
 * @example
 * broker.hold(contactId, agentId, leg);
 * const leg = broker.take(callId, agentId); // in FreeSwitchCallSession.bridge
 */
export class AgentLegBroker implements AgentLegs {
  private readonly held = new Map<string, HeldLeg>();

  constructor(
    private readonly options: {
      readonly clock: CallClock;
      readonly logger: Logger;
      /** How long an accepted leg waits for its caller. Default 10 s. */
      readonly holdMs?: number;
    },
  ) {}

  /** Parks `leg` for `callId`; a leg already parked for the call is hung up. */
  hold(callId: string, agentId: string, leg: ConnectedLeg): void {
    this.drop(callId, 'replaced');
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

  take(callId: string, agentId: string): ConnectedLeg | undefined {
    const held = this.held.get(callId);
    if (held === undefined || held.agentId !== agentId) return undefined;
    this.forget(callId, held);
    return held.leg;
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
