import type { Channel } from '../../ivr/acd.ts';

/**
 * An agent's state, derived in one place (scripts/includes/agent.lua) from
 * presence and load, in this precedence: offline (not logged in), break
 * (with a reason), wrap-up, reserved (an offer is ringing), busy (connected
 * to a contact), available.
 */
export type AgentState = 'offline' | 'available' | 'reserved' | 'busy' | 'wrap-up' | 'break';

export const agentStates: readonly AgentState[] = [
  'offline',
  'available',
  'reserved',
  'busy',
  'wrap-up',
  'break',
];

/** Break reason set by routing when an agent lets too many offers ring out. */
export const missedOffersReason = 'missed-offers';

/** A ringing offer as the agent's desk shows it. */
export interface RingingOffer {
  readonly offerId: string;
  readonly contactId: string;
  readonly queueId: string;
  readonly channel: Channel;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** True when accepting means dialling the customer back at `callbackNumber`. */
  readonly callback: boolean;
  readonly callbackNumber?: string;
  readonly callerNumber?: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface ConnectedContact {
  readonly contactId: string;
  /** '' for a call engaged on outside the queues that came through none. */
  readonly queueId: string;
  readonly channel: Channel;
  readonly acceptedAt: number;
  /**
   * Set for a call the agent is engaged on outside the queues
   * (`AgentDesk.engage`): how it reached them. Absent for queue contacts.
   */
  readonly engagement?: EngagementKind;
}

/**
 * How an agent came to be on a call that no queue offered them:
 * `click-to-dial` (they dialled out), `transfer` (a blind transfer to them),
 * `consult` (a colleague consulting them before a warm transfer).
 */
export type EngagementKind = 'click-to-dial' | 'transfer' | 'consult';

export interface AgentStatus {
  readonly agentId: string;
  readonly state: AgentState;
  /** When the agent entered `state`, ms since the epoch; 0 when never set (offline since start). */
  readonly stateSince: number;
  /** Break reason; '' otherwise. */
  readonly reason: string;
  /** When wrap-up ends on its own, ms since the epoch; 0 when not in wrap-up. */
  readonly wrapUpUntil: number;
  readonly consecutiveMisses: number;
  /**
   * No voice offers until then (ms since the epoch; 0 when none): none of the
   * agent's phones could be reached for the last one (`offer.unreachable`).
   */
  readonly voiceBackoffUntil: number;
  readonly offers: readonly RingingOffer[];
  readonly contacts: readonly ConnectedContact[];
}
