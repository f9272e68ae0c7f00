import { z } from 'zod';
import type {
  Acd,
  CancelReason,
  ContactRequest,
  ContactUpdate,
  QueuePlacement,
  SkillRequirement,
} from '../ivr/acd.ts';
import type { Logger } from '../platform/logger.ts';
import type { AcdCommands, OffersMade } from './acd-commands.ts';
import type { AcdEvent } from './acd-event.ts';
import {
  contactRequestSchema,
  requirementSignature,
  skillRequirementsSchema,
} from './contact/contact-request-schema.ts';
import type { AcdEventFeed } from './events/acd-event-feed.ts';
import { parseInput } from './parse-input.ts';
import { contactIdSchema, routingName } from './routing-ids.ts';

export interface RedisAcdOptions {
  readonly commands: AcdCommands;
  /** Source of contact updates for {@link RedisAcd.watch}. */
  readonly feed: AcdEventFeed;
  readonly logger: Logger;
}

const cancelReasonSchema = z.enum(['abandoned', 'transferred', 'handled-elsewhere']);
const callbackNumberSchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,64}$/, 'use 1-64 printable characters without spaces');

interface Placement {
  readonly absent?: boolean;
  readonly position?: number;
  readonly estimatedWaitSeconds?: number;
}

/**
 * The ACD port over Redis: every call is one atomic Lua script (see
 * routing/README.md). Callback contacts survive `cancel(id, 'abandoned')`,
 * because the caller hanging up is exactly what a callback expects; other
 * reasons remove them.
 *
 * @example
 * const acd = new RedisAcd({ commands, feed, logger });
 * const { position } = await acd.enqueue({ contactId: 'call-1', channel: 'voice',
 *   queueId: 'support', requiredSkills: [], priority: 3 });
 */
export class RedisAcd implements Acd {
  constructor(private readonly options: RedisAcdOptions) {}

  async enqueue(contact: ContactRequest): Promise<QueuePlacement> {
    const { position, estimatedWaitSeconds } = await this.place(contact);
    return { position, estimatedWaitSeconds };
  }

  /**
   * {@link enqueue}, also telling which offers it made at once (an agent
   * was free): for callers that ring phones without waiting for the event
   * stream.
   */
  async place(contact: ContactRequest): Promise<QueuePlacement & OffersMade> {
    const request = parseInput(contactRequestSchema, contact, 'contact');
    const { keys } = this.options.commands;
    const reply = await this.options.commands.run<Required<Omit<Placement, 'absent'>>>(
      'enqueue',
      [keys.queue(request.queueId), keys.contact(request.contactId), keys.ticketSeq()],
      [
        request.contactId,
        request.queueId,
        request.channel,
        requirementSignature(request.requiredSkills),
        request.priority,
        request.callerNumber ?? '',
        JSON.stringify(request.attributes ?? {}),
      ],
    );
    return {
      position: reply.position,
      estimatedWaitSeconds: reply.estimatedWaitSeconds,
      offers: reply.offers,
    };
  }

  async cancel(contactId: string, reason: CancelReason): Promise<void> {
    const id = parseInput(contactIdSchema, contactId, 'contactId');
    const why = parseInput(cancelReasonSchema, reason, 'reason');
    const { keys } = this.options.commands;
    await this.options.commands.run(
      'cancel',
      [keys.contact(id), keys.contactOffers(id)],
      [id, why],
    );
  }

  async position(contactId: string): Promise<number | null> {
    const placement = await this.placement(contactId);
    return placement?.position ?? null;
  }

  async estimatedWaitSeconds(contactId: string): Promise<number | null> {
    const placement = await this.placement(contactId);
    return placement?.estimatedWaitSeconds ?? null;
  }

  async queueEstimatedWaitSeconds(queueId: string): Promise<number> {
    const id = parseInput(routingName, queueId, 'queueId');
    const { keys } = this.options.commands;
    const reply = await this.options.commands.run<{ estimatedWaitSeconds: number }>(
      'queue-wait-estimate',
      [keys.queue(id), keys.queueLine(id)],
      [id],
    );
    return reply.estimatedWaitSeconds;
  }

  async requestCallback(contactId: string, callbackNumber: string): Promise<void> {
    const id = parseInput(contactIdSchema, contactId, 'contactId');
    const number = parseInput(callbackNumberSchema, callbackNumber, 'callbackNumber');
    await this.options.commands.run(
      'request-callback',
      [this.options.commands.keys.contact(id)],
      [id, number],
    );
  }

  async agentsAvailable(
    queueId: string,
    requiredSkills: readonly SkillRequirement[] = [],
  ): Promise<number> {
    const id = parseInput(routingName, queueId, 'queueId');
    const skills = parseInput(skillRequirementsSchema, requiredSkills, 'requiredSkills');
    const { keys } = this.options.commands;
    const reply = await this.options.commands.run<{ count: number }>(
      'agents-available',
      [keys.queue(id), keys.queueAgents(id)],
      [id, requirementSignature(skills)],
    );
    return reply.count;
  }

  /**
   * Delivers the contact's updates from the event stream. An offer or
   * acceptance that happened before the call (typically inside `enqueue`)
   * is delivered too, once.
   */
  watch(contactId: string, listener: (update: ContactUpdate) => void): () => void {
    const delivered = new Set<string>();
    let active = true;
    const deliver = (update: ContactUpdate): void => {
      const key = 'offerId' in update ? `${update.kind}:${update.offerId}` : update.kind;
      if (!active || (update.kind !== 'requeued' && delivered.has(key))) return;
      delivered.add(key);
      listener(update);
    };
    const unsubscribe = this.options.feed.subscribe((event) => {
      if (event.contactId !== contactId) return;
      const update = contactUpdateOf(event);
      if (update) deliver(update);
    });
    void this.replayCurrent(contactId, deliver);
    return () => {
      active = false;
      unsubscribe();
    };
  }

  private async replayCurrent(
    contactId: string,
    deliver: (update: ContactUpdate) => void,
  ): Promise<void> {
    const { redis, keys } = this.options.commands;
    try {
      await this.options.feed.ready();
      const [state, agentId, offerId] = await redis.hmget(
        keys.contact(contactId),
        'state',
        'agentId',
        'offerId',
      );
      if (state === 'connected' && agentId && offerId) {
        deliver({ kind: 'accepted', agentId, offerId });
      }
      if (state !== 'offered') return;
      for (const offer of await redis.smembers(keys.contactOffers(contactId))) {
        const agent = await redis.hget(keys.offer(offer), 'agentId');
        if (agent) deliver({ kind: 'offered', agentId: agent, offerId: offer });
      }
    } catch (error) {
      this.options.logger.warn({ err: error, contactId }, 'could not read contact for watch');
    }
  }

  private async placement(contactId: string): Promise<Placement | null> {
    const id = parseInput(contactIdSchema, contactId, 'contactId');
    const reply = await this.options.commands.run<Placement>(
      'contact-placement',
      [this.options.commands.keys.contact(id)],
      [id],
    );
    return reply.absent ? null : reply;
  }
}

/** The port's view of a routing event, for the contact it concerns. */
export function contactUpdateOf(event: AcdEvent): ContactUpdate | null {
  switch (event.type) {
    case 'contact.offered':
    case 'contact.accepted':
    case 'contact.requeued': {
      if (!event.agentId || !event.offerId) return null;
      const kind =
        event.type === 'contact.offered'
          ? 'offered'
          : event.type === 'contact.accepted'
            ? 'accepted'
            : 'requeued';
      return { kind, agentId: event.agentId, offerId: event.offerId };
    }
    case 'contact.overflowed':
      return event.toQueueId ? { kind: 'overflowed', toQueueId: event.toQueueId } : null;
    case 'contact.timed-out':
      return { kind: 'timedOut' };
    case 'contact.enqueued':
    case 'contact.completed':
    case 'contact.cancelled':
    case 'contact.callback-requested':
    case 'offer.rejected':
    case 'offer.timed-out':
    case 'offer.unreachable':
    case 'offer.withdrawn':
    case 'agent.state-changed':
    case 'agent.engaged':
    case 'agent.released':
    case 'agent.configured':
    case 'agent.repaired':
    case 'queue.configured':
      return null;
  }
}
