import { z } from 'zod';
import type { Channel } from '../../ivr/acd.ts';
import type { AcdCommands, OfferNotice } from '../acd-commands.ts';
import { parseInput } from '../parse-input.ts';
import { contactIdSchema, routingName } from '../routing-ids.ts';
import type {
  AgentState,
  AgentStatus,
  ConnectedContact,
  EngagementKind,
  RingingOffer,
} from './agent-state.ts';

const breakReasonSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'use a lowercase code like lunch or training (max 64)');
const offerIdSchema = z.string().min(1).max(200);
const backoffSchema = z.number().int().min(0).max(3_600_000);
const engagementKindSchema = z.enum(['click-to-dial', 'transfer', 'consult']);

type StoredOffer = Omit<RingingOffer, 'attributes'> & { readonly attributes: string };
type StoredContact = Omit<ConnectedContact, 'engagement'> & {
  readonly engagement?: EngagementKind | '';
};

interface StatusReply {
  readonly state: AgentState;
  readonly stateSince: number;
  readonly reason: string;
  readonly wrapUpUntil: number;
  readonly misses: number;
  readonly voiceBackoffUntil: number;
  readonly ringing: readonly StoredOffer[] | Record<string, never>;
  readonly contacts: readonly StoredContact[] | Record<string, never>;
}

/** What the HTTP layer learns when an agent completes a contact. */
export interface CompletedContact {
  readonly talkMs: number;
  /** When wrap-up ends on its own (ms since the epoch); 0 when the agent is free at once. */
  readonly wrapUpUntil: number;
  /** Offers ringing for the agent right after: the next contact is already on its way. */
  readonly offersRinging: number;
  /** Offers this completion made (to this agent), for ringing the phone at once. */
  readonly offers: readonly OfferNotice[];
}

/** What the HTTP layer learns when an agent accepts. */
export interface AcceptedContact {
  readonly contactId: string;
  readonly queueId: string;
  readonly channel: Channel;
  readonly waitMs: number;
}

/**
 * The agent's side of routing, for the HTTP layer: presence, answering
 * offers, finishing contacts. Every method is one atomic script; errors are
 * {@link SwitchboardError}s (`not_found` for unknown agents, offers or
 * contacts; `conflict` for a change the agent's state does not allow).
 *
 * @example
 * await desk.logIn('alice');
 * const { offers } = await desk.status('alice');
 * await desk.accept('alice', offers[0].offerId);
 * await desk.complete('alice', offers[0].contactId); // wrap-up, then available
 */
export class AgentDesk {
  constructor(private readonly commands: AcdCommands) {}

  /** Logs in as available (consecutive misses, back-off and per-login counters reset). */
  async logIn(agentId: string): Promise<AgentState> {
    return this.presence(agentId, 'log-in', '');
  }

  /** Withdraws ringing offers; refused while a contact is connected. Idempotent. */
  async logOut(agentId: string): Promise<AgentState> {
    return this.presence(agentId, 'log-out', '');
  }

  /**
   * `available` ends a break, wrap-up or back-off, starts the consecutive-miss
   * count afresh and matches the agent at once;
   * `break` needs a reason code, withdraws ringing offers and is refused
   * while a contact is connected.
   */
  async setState(
    agentId: string,
    state: 'available' | 'break',
    reason?: string,
  ): Promise<AgentState> {
    if (state === 'available') return this.presence(agentId, 'available', '');
    const code = parseInput(breakReasonSchema, reason, 'reason');
    return this.presence(agentId, 'break', code);
  }

  async accept(agentId: string, offerId: string): Promise<AcceptedContact> {
    const agent = parseInput(routingName, agentId, 'agentId');
    const offer = parseInput(offerIdSchema, offerId, 'offerId');
    return this.commands.run<AcceptedContact>(
      'accept-offer',
      [this.commands.keys.offer(offer), this.commands.keys.agent(agent)],
      [agent, offer],
    );
  }

  /**
   * None of the agent's devices could take a ringing offer (no device
   * registered, or each failed for a reason that is no person's refusal):
   * not a miss. The contact goes back to its place and on to the next agent;
   * the agent gets no voice offers for `backoffMs` (0: none), after which a
   * deadline makes it available for them again. Logging in or out or
   * setting `available` ends the back-off early.
   *
   * @example
   * await desk.unreachable('alice', offerId, 30_000); // phone gone: next agent, Alice in 30 s
   */
  async unreachable(agentId: string, offerId: string, backoffMs: number): Promise<void> {
    const agent = parseInput(routingName, agentId, 'agentId');
    const offer = parseInput(offerIdSchema, offerId, 'offerId');
    const backoff = parseInput(backoffSchema, backoffMs, 'backoffMs');
    await this.commands.run(
      'offer-unreachable',
      [this.commands.keys.offer(offer), this.commands.keys.agent(agent)],
      [agent, offer, backoff],
    );
  }

  /** Declines a ringing offer: the contact moves on, the agent stays available. */
  async reject(agentId: string, offerId: string): Promise<void> {
    const agent = parseInput(routingName, agentId, 'agentId');
    const offer = parseInput(offerIdSchema, offerId, 'offerId');
    await this.commands.run(
      'reject-offer',
      [this.commands.keys.offer(offer), this.commands.keys.agent(agent)],
      [agent, offer],
    );
  }

  /**
   * Ends a connected contact: wrap-up starts (if the queue has one and this
   * was the agent's last contact), otherwise the agent is matched at once.
   * A call the agent is engaged on ({@link engage}) is released instead.
   */
  async complete(agentId: string, contactId: string): Promise<CompletedContact> {
    const agent = parseInput(routingName, agentId, 'agentId');
    const contact = parseInput(contactIdSchema, contactId, 'contactId');
    const reply = await this.commands.run<CompletedContact>(
      'complete-contact',
      [this.commands.keys.contact(contact), this.commands.keys.agent(agent)],
      [agent, contact],
    );
    return {
      talkMs: reply.talkMs,
      wrapUpUntil: reply.wrapUpUntil,
      offersRinging: reply.offersRinging,
      offers: reply.offers,
    };
  }

  /**
   * Marks the agent busy on a call no queue offered them (click-to-dial, a
   * transfer or consultation to them), so routing offers them nothing until
   * {@link release}. Refused with `conflict` (details.reason `offline`,
   * `break`, `wrap-up`, `ringing`, `on-contact` or `engaged`) unless the
   * agent is logged in with nothing ringing, connected or in wrap-up; an
   * agent on break may engage for `click-to-dial` only (busy on the call,
   * on break again after it). Engaging again on the same call is a no-op.
   * `queueId` names the queue the call came through (its wrap-up applies).
   *
   * @example
   * await desk.engage('alice', callId, 'click-to-dial');
   * // ... the call ...
   * await desk.release('alice', callId); // wrap-up, then available
   */
  async engage(
    agentId: string,
    callId: string,
    kind: EngagementKind,
    queueId?: string,
  ): Promise<AgentState> {
    const agent = parseInput(routingName, agentId, 'agentId');
    const call = parseInput(contactIdSchema, callId, 'callId');
    const how = parseInput(engagementKindSchema, kind, 'kind');
    const queue = queueId === undefined ? '' : parseInput(routingName, queueId, 'queueId');
    const reply = await this.commands.run<{ state: AgentState }>(
      'engage-agent',
      [this.commands.keys.agent(agent)],
      [agent, call, how, queue],
    );
    return reply.state;
  }

  /**
   * Ends the agent's engagement on `callId`: wrap-up (the queue's it came
   * through, else the longest of the agent's queues) when configured, else
   * available and matched at once, as completing a queue contact. `not_found`
   * when the agent is not engaged on that call (already released).
   */
  async release(agentId: string, callId: string): Promise<CompletedContact> {
    const agent = parseInput(routingName, agentId, 'agentId');
    const call = parseInput(contactIdSchema, callId, 'callId');
    const reply = await this.commands.run<CompletedContact>(
      'release-agent',
      [this.commands.keys.agent(agent)],
      [agent, call],
    );
    return {
      talkMs: reply.talkMs,
      wrapUpUntil: reply.wrapUpUntil,
      offersRinging: reply.offersRinging,
      offers: reply.offers,
    };
  }

  /** The agent's "ready" button during wrap-up. */
  async finishWrapUp(agentId: string): Promise<void> {
    const agent = parseInput(routingName, agentId, 'agentId');
    await this.commands.run('end-wrap-up', [this.commands.keys.agent(agent)], [agent, 'agent', 0]);
  }

  async status(agentId: string): Promise<AgentStatus> {
    const agent = parseInput(routingName, agentId, 'agentId');
    const reply = await this.commands.run<StatusReply>(
      'agent-status',
      [this.commands.keys.agent(agent)],
      [agent],
    );
    // cjson encodes an empty list as {}.
    const offers: readonly StoredOffer[] = Array.isArray(reply.ringing) ? reply.ringing : [];
    const stored: readonly StoredContact[] = Array.isArray(reply.contacts) ? reply.contacts : [];
    const contacts = stored.map(({ engagement, ...contact }): ConnectedContact =>
      engagement ? { ...contact, engagement } : contact,
    );
    return {
      agentId: agent,
      state: reply.state,
      stateSince: reply.stateSince,
      reason: reply.reason,
      wrapUpUntil: reply.wrapUpUntil,
      consecutiveMisses: reply.misses,
      voiceBackoffUntil: reply.voiceBackoffUntil,
      offers: offers.map((offer) => ({
        ...offer,
        callbackNumber: offer.callbackNumber || undefined,
        callerNumber: offer.callerNumber || undefined,
        attributes: JSON.parse(offer.attributes) as Record<string, string>,
      })),
      contacts,
    };
  }

  private async presence(agentId: string, action: string, reason: string): Promise<AgentState> {
    const agent = parseInput(routingName, agentId, 'agentId');
    const reply = await this.commands.run<{ state: AgentState }>(
      'set-agent-state',
      [this.commands.keys.agent(agent)],
      [agent, action, reason],
    );
    return reply.state;
  }
}
