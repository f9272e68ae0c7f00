import type { Channel } from '../ivr/acd.ts';
import type { AgentState } from './agent/agent-state.ts';

/**
 * Every routing transition, as appended to the event stream
 * (`AcdKeys.events()`) by the script that made it. Consumers: the live API
 * (WebSocket fan-out) and the Postgres writer, which stores each event once
 * by `id` so replays are harmless.
 *
 * - `contact.enqueued`: contactId, queueId, channel, priority, requiredSkills, callerNumber
 * - `contact.offered`: contactId, queueId, channel, agentId, offerId, priority, waitMs, callback, callbackNumber
 * - `contact.requeued`: contactId, queueId, channel, agentId, offerId, reason (rejected | timed-out | unreachable | withdrawn | repaired)
 * - `contact.accepted`: contactId, queueId, channel, agentId, offerId, waitMs
 * - `contact.completed`: contactId, queueId, channel, agentId, talkMs
 * - `contact.cancelled`: contactId, queueId, channel, reason (abandoned | transferred | handled-elsewhere), waitMs
 * - `contact.overflowed`: contactId, queueId (from), toQueueId, channel, waitMs
 * - `contact.timed-out`: contactId, queueId, channel, waitMs
 * - `contact.callback-requested`: contactId, queueId, channel, callbackNumber
 * - `offer.rejected` / `offer.timed-out` / `offer.unreachable` / `offer.withdrawn`: offerId, contactId, agentId, queueId, channel
 *   (`unreachable`: none of the agent's devices could take the call; not a miss, see AgentDesk.unreachable)
 * - `agent.state-changed`: agentId, state, previousState, reason (for break)
 * - `agent.engaged`: agentId, contactId (the call), queueId ('' for none), channel, reason (click-to-dial | transfer | consult)
 * - `agent.released`: agentId, contactId, queueId, channel, reason (as engaged), talkMs
 * - `agent.configured`: agentId; `agent.repaired`: agentId, repairs
 * - `queue.configured`: queueId, strategy
 */
export const acdEventTypes = [
  'contact.enqueued',
  'contact.offered',
  'contact.requeued',
  'contact.accepted',
  'contact.completed',
  'contact.cancelled',
  'contact.overflowed',
  'contact.timed-out',
  'contact.callback-requested',
  'offer.rejected',
  'offer.timed-out',
  'offer.unreachable',
  'offer.withdrawn',
  'agent.state-changed',
  'agent.engaged',
  'agent.released',
  'agent.configured',
  'agent.repaired',
  'queue.configured',
] as const;

export type AcdEventType = (typeof acdEventTypes)[number];

export interface AcdEvent {
  /** Unique across all events: derived from the operation id that produced it. */
  readonly id: string;
  /** Redis stream entry id; orders events and lets a reader resume. */
  readonly streamId: string;
  readonly type: AcdEventType;
  /** When it happened, ms since the epoch, from the routing Clock. */
  readonly at: number;
  readonly contactId?: string;
  readonly queueId?: string;
  readonly toQueueId?: string;
  readonly agentId?: string;
  readonly offerId?: string;
  readonly channel?: Channel;
  readonly priority?: number;
  /** Time since the contact first entered a queue. */
  readonly waitMs?: number;
  readonly talkMs?: number;
  readonly state?: AgentState;
  readonly previousState?: AgentState;
  readonly reason?: string;
  readonly callback?: boolean;
  readonly callbackNumber?: string;
  readonly callerNumber?: string;
  /** Requirement signature `skill:minLevel,...` ('' for none). */
  readonly requiredSkills?: string;
  readonly strategy?: string;
  readonly repairs?: number;
}

const numericFields = new Set(['at', 'priority', 'waitMs', 'talkMs', 'repairs']);
const eventTypes = new Set<string>(acdEventTypes);

/** Turns one stream entry (`XREAD`/`XRANGE` field list) into an {@link AcdEvent}. */
/** True for a type routing itself appends (others share the stream). */
export function isAcdEventType(type: string): boolean {
  return eventTypes.has(type);
}

export function parseAcdEvent(streamId: string, fields: readonly string[]): AcdEvent {
  const event: Record<string, unknown> = { streamId };
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i] as string;
    const value = fields[i + 1] as string;
    if (numericFields.has(name)) event[name] = Number(value);
    else if (name === 'callback') event[name] = value === '1';
    else if (value !== '' || name === 'requiredSkills') event[name] = value;
  }
  if (typeof event.type !== 'string' || !eventTypes.has(event.type)) {
    throw new Error(`stream entry ${streamId} is not an ACD event (type ${String(event.type)})`);
  }
  return event as unknown as AcdEvent;
}
