/**
 * The ACD port: what IVR flows (and later chat/email channels) ask of routing.
 * Owned here, by its callers; `routing/` implements it over Redis and
 * `ivr/in-memory-acd.ts` is the in-memory twin. Both pass `ivr/acd-contract.ts`.
 *
 * Priority runs from 1 (most urgent) to 5 (least urgent). Contacts in a queue
 * are served by priority, then by arrival; `ivr/acd-contract.ts` holds every
 * implementation to that and to the rest of the behaviour described here.
 *
 * @example
 * const placement = await acd.enqueue({ contactId: callId, channel: 'voice', queueId: 'support',
 *   requiredSkills: [{ skill: 'english', minLevel: 3 }], priority: 3, callerNumber: '+15551230000' });
 */
export type Channel = 'voice' | 'chat' | 'email';

export interface SkillRequirement {
  readonly skill: string;
  /** 1-10; an agent qualifies with a level at or above this. */
  readonly minLevel: number;
}

export interface ContactRequest {
  /** Unique per contact; for voice this is the call id. */
  readonly contactId: string;
  readonly channel: Channel;
  readonly queueId: string;
  readonly requiredSkills: readonly SkillRequirement[];
  /** 1 (most urgent) to 5 (least urgent). */
  readonly priority: number;
  readonly callerNumber?: string;
  /** Free-form values carried to the agent's screen pop (flow variables, lookups). */
  readonly attributes?: Readonly<Record<string, string>>;
}

export interface QueuePlacement {
  /** 1-based place in line. */
  readonly position: number;
  readonly estimatedWaitSeconds: number;
}

/** What happens to a waiting contact, pushed to whoever watches it. */
export type ContactUpdate =
  /** An agent has been reserved and is being offered the contact (phone ringing). */
  | { readonly kind: 'offered'; readonly agentId: string; readonly offerId: string }
  /** The agent accepted; the contact leaves the queue. */
  | { readonly kind: 'accepted'; readonly agentId: string; readonly offerId: string }
  /** The offer was rejected or timed out; the contact is waiting again. */
  | { readonly kind: 'requeued'; readonly agentId: string; readonly offerId: string }
  /** Max wait passed and the contact moved to the queue's overflow target. */
  | { readonly kind: 'overflowed'; readonly toQueueId: string }
  /** Max wait passed and the queue has no overflow target; the contact left the queue. */
  | { readonly kind: 'timedOut' };

export type CancelReason = 'abandoned' | 'transferred' | 'handled-elsewhere';

export interface Acd {
  /** Places a contact in line. Rejects with a `not_found` error for an unknown queue. */
  enqueue(contact: ContactRequest): Promise<QueuePlacement>;
  /** Removes a waiting or offered contact (caller hung up, flow moved on). Idempotent. */
  cancel(contactId: string, reason: CancelReason): Promise<void>;
  /** 1-based place in line, or null when the contact is not waiting. */
  position(contactId: string): Promise<number | null>;
  /** Estimated seconds until this contact is offered, or null when not waiting. */
  estimatedWaitSeconds(contactId: string): Promise<number | null>;
  /** Estimated wait for a contact that would join the queue now. */
  queueEstimatedWaitSeconds(queueId: string): Promise<number>;
  /**
   * Turns a waiting voice contact into a callback that keeps its place in line;
   * when it reaches the head, the agent's offer dials `callbackNumber`.
   */
  requestCallback(contactId: string, callbackNumber: string): Promise<void>;
  /** Agents logged in to the queue, available now, and holding the skills. */
  agentsAvailable(queueId: string, requiredSkills?: readonly SkillRequirement[]): Promise<number>;
  /** Follows one contact's updates until the returned function is called. */
  watch(contactId: string, listener: (update: ContactUpdate) => void): () => void;
}
