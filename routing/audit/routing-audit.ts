import type { AcdEvent } from '../acd-event.ts';
import { contactRank } from '../queue/priority-aging.ts';

/** What the audit needs to know beyond the events. */
export interface RoutingAuditContext {
  /** Agent id -> skill -> level. */
  readonly agentSkills: ReadonlyMap<string, Readonly<Record<string, number>>>;
  /** Queue id -> priority aging step in ms. */
  readonly agingStepMs: ReadonlyMap<string, number>;
  /** Queues using ring-all (several offers for one contact are expected there). */
  readonly ringAllQueues?: ReadonlySet<string>;
  /** Contacts still in line or connected at the end (not lost). */
  readonly stillPresent?: ReadonlySet<string>;
}

/** Violation counters: every one must be 0. */
export interface RoutingAudit {
  readonly contacts: number;
  readonly offers: number;
  readonly accepted: number;
  /** A contact accepted by more than one agent. */
  readonly doubleAssignments: number;
  /** A contact ringing at two agents at once (outside ring-all). */
  readonly doubleOffers: number;
  /** An agent ringing or connected on two voice contacts at once. */
  readonly voiceOverloads: number;
  /** Enqueued, never accepted, cancelled or timed out, and not present at the end. */
  readonly lostContacts: number;
  /** Offered to an agent below a required skill level. */
  readonly skillMismatches: number;
  /**
   * A contact offered for the first time while an earlier-ranked contact of
   * the same queue and requirements was waiting and never offered yet:
   * breaks first-in-first-out within a priority, or priority aging
   * (which is what rules out starvation).
   */
  readonly orderViolations: number;
}

interface ContactTrace {
  queueId: string;
  readonly signature: string;
  readonly channel: string;
  readonly rank: number;
  readonly order: number;
  offered: boolean;
  ended: boolean;
  ringing: number;
  accepts: number;
}

/** Contacts compete for the same agents only within one queue, channel and requirement. */
function freshKey(trace: ContactTrace): string {
  return `${trace.queueId}|${trace.channel}|${trace.signature}`;
}

function meets(skills: Readonly<Record<string, number>> | undefined, signature: string): boolean {
  if (signature === '') return true;
  return signature.split(',').every((part) => {
    const colon = part.lastIndexOf(':');
    return (skills?.[part.slice(0, colon)] ?? 0) >= Number(part.slice(colon + 1));
  });
}

/**
 * Replays the routing event stream (in stream order, which is the order the
 * atomic scripts committed) and counts broken promises. Used by the
 * concurrency tests and the benchmark.
 */
export function auditRouting(
  events: readonly AcdEvent[],
  context: RoutingAuditContext,
): RoutingAudit {
  const contacts = new Map<string, ContactTrace>();
  const offers = new Map<string, { contactId: string; agentId: string; channel: string }>();
  const voiceLoad = new Map<string, number>();
  // Waiting, never-offered contacts per queue|channel|signature, in arrival order.
  const fresh = new Map<string, Set<string>>();
  let offered = 0;
  let accepted = 0;
  let doubleAssignments = 0;
  let doubleOffers = 0;
  let voiceOverloads = 0;
  let skillMismatches = 0;
  let orderViolations = 0;
  let order = 0;

  const addVoice = (agentId: string, by: number): void => {
    const load = (voiceLoad.get(agentId) ?? 0) + by;
    voiceLoad.set(agentId, load);
    if (load > 1) voiceOverloads += 1;
  };
  const endOffer = (offerId: string | undefined): void => {
    const offer = offerId ? offers.get(offerId) : undefined;
    if (!offer || !offerId) return;
    offers.delete(offerId);
    const trace = contacts.get(offer.contactId);
    if (trace) trace.ringing -= 1;
    if (offer.channel === 'voice') addVoice(offer.agentId, -1);
  };
  const leaveFresh = (trace: ContactTrace, contactId: string): void => {
    fresh.get(freshKey(trace))?.delete(contactId);
  };

  for (const event of events) {
    const contactId = event.contactId ?? '';
    const trace = contacts.get(contactId);
    switch (event.type) {
      case 'contact.enqueued': {
        const queueId = event.queueId ?? '';
        const next: ContactTrace = {
          queueId,
          signature: event.requiredSkills ?? '',
          channel: event.channel ?? 'voice',
          rank: contactRank(
            event.at,
            event.priority ?? 3,
            context.agingStepMs.get(queueId) ?? 60_000,
          ),
          order: (order += 1),
          offered: false,
          ended: false,
          ringing: 0,
          accepts: 0,
        };
        contacts.set(contactId, next);
        const key = freshKey(next);
        if (!fresh.has(key)) fresh.set(key, new Set());
        fresh.get(key)?.add(contactId);
        break;
      }
      case 'contact.offered': {
        offered += 1;
        if (!trace || !event.offerId || !event.agentId) break;
        offers.set(event.offerId, { contactId, agentId: event.agentId, channel: trace.channel });
        trace.ringing += 1;
        if (trace.ringing > 1 && !context.ringAllQueues?.has(trace.queueId)) doubleOffers += 1;
        if (trace.channel === 'voice') addVoice(event.agentId, 1);
        if (!meets(context.agentSkills.get(event.agentId), trace.signature)) skillMismatches += 1;
        if (!trace.offered) {
          trace.offered = true;
          for (const otherId of fresh.get(freshKey(trace)) ?? []) {
            const other = contacts.get(otherId);
            if (!other || otherId === contactId) continue;
            if (
              other.rank < trace.rank ||
              (other.rank === trace.rank && other.order < trace.order)
            ) {
              orderViolations += 1;
            }
          }
          leaveFresh(trace, contactId);
        }
        break;
      }
      case 'contact.accepted': {
        accepted += 1;
        if (!trace) break;
        trace.accepts += 1;
        trace.ended = true;
        if (trace.accepts > 1) doubleAssignments += 1;
        const offer = event.offerId ? offers.get(event.offerId) : undefined;
        if (offer && event.offerId) {
          // The offer becomes the connected contact: load stays until completion.
          offers.delete(event.offerId);
          trace.ringing -= 1;
        }
        break;
      }
      case 'contact.completed':
        if (trace?.channel === 'voice' && event.agentId) addVoice(event.agentId, -1);
        break;
      case 'offer.rejected':
      case 'offer.timed-out':
      case 'offer.unreachable':
      case 'offer.withdrawn':
        endOffer(event.offerId);
        break;
      case 'contact.cancelled':
      case 'contact.timed-out':
        if (trace) {
          trace.ended = true;
          leaveFresh(trace, contactId);
        }
        break;
      case 'contact.overflowed':
        // It keeps its rank and, if never offered, competes in the new queue.
        if (trace) {
          leaveFresh(trace, contactId);
          trace.queueId = event.toQueueId ?? trace.queueId;
          if (!trace.offered && !trace.ended) {
            const key = freshKey(trace);
            if (!fresh.has(key)) fresh.set(key, new Set());
            fresh.get(key)?.add(contactId);
          }
        }
        break;
      case 'contact.requeued':
      case 'contact.callback-requested':
      case 'agent.state-changed':
      case 'agent.engaged':
      case 'agent.released':
      case 'agent.configured':
      case 'agent.repaired':
      case 'queue.configured':
        break;
    }
  }
  let lostContacts = 0;
  for (const [contactId, trace] of contacts) {
    if (!trace.ended && !context.stillPresent?.has(contactId)) lostContacts += 1;
  }
  return {
    contacts: contacts.size,
    offers: offered,
    accepted,
    doubleAssignments,
    doubleOffers,
    voiceOverloads,
    lostContacts,
    skillMismatches,
    orderViolations,
  };
}
