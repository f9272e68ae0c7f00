import type { Acd, ContactUpdate } from '../../ivr/acd.ts';
import type { Logger } from '../../platform/logger.ts';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type {
  FreeSwitchCallSession,
  HandOffOutcome,
} from '../freeswitch/free-switch-call-session.ts';

export interface QueueTransferOptions {
  /** The ACD port (`routing.acd`): the caller is enqueued like any caller. */
  readonly acd: Acd;
  /** routing's `AgentDesk`: the released agent's contact is completed (wrap-up). */
  readonly desk: { complete(agentId: string, contactId: string): Promise<unknown> };
  /** Music the caller hears while waiting in the target queue. Default `default`. */
  readonly holdMusic?: string;
  /**
   * The queue's name as routing knows it, from the id the API names it by (a
   * Postgres queue row); undefined when there is no such queue. Default: the
   * id is the name.
   */
  readonly routingName?: (queueId: string) => Promise<string | undefined>;
  /** 1 (most urgent) to 5. Default 3, as a flow's `enqueue`. */
  readonly priority?: number;
  readonly logger: Logger;
}

/**
 * Blind transfer of a call connected to an agent into a queue. The agent
 * leg is released and the agent's contact completed in routing (wrap-up
 * starts, as when they hang up), then the caller hears music on hold and is
 * enqueued in the target queue through the ACD port under the same contact
 * id (the call id), so the next agent is offered it like any queued caller:
 * `OfferRinger` rings them and parks the accepted leg, which the caller's
 * session bridges and records. The caller hanging up while waiting cancels
 * the contact (`abandoned`); the queue's max wait passing with no overflow
 * ends the wait (the flow's pending `enqueue` then completes).
 *
 * @example
 * await new QueueTransfer({ acd: routing.acd, desk: routing.desk, logger }).transfer(session, 'q-sales');
 */
export class QueueTransfer {
  constructor(private readonly options: QueueTransferOptions) {}

  /**
   * Resolves once the caller is in the queue. Rejects with `not_found` for an
   * unknown queue (the agent stays connected) and `conflict` when the call
   * is not bridged.
   */
  async transfer(session: FreeSwitchCallSession, target: string): Promise<void> {
    const { acd, desk, logger } = this.options;
    const peer = session.bridgedPeer;
    const queueId =
      this.options.routingName === undefined ? target : await this.options.routingName(target);
    if (queueId === undefined) throw new SwitchboardError('not_found', `No queue ${target}`);
    // Unknown to routing: refuse before anyone is released (rejects with not_found).
    await acd.queueEstimatedWaitSeconds(queueId);
    const contactId = session.callId;
    let enqueued!: (outcome: Error | undefined) => void;
    const placed = new Promise<Error | undefined>((resolve) => (enqueued = resolve));
    const wait = async (callerGone: AbortSignal): Promise<HandOffOutcome> => {
      // Routing refuses a contact id that is still connected: complete first.
      if (peer?.agentId !== undefined) {
        await desk.complete(peer.agentId, contactId).catch((error: unknown) => {
          logger.debug({ err: error, contactId }, 'contact already completed');
        });
      }
      const music = session.startHoldMusic(this.options.holdMusic ?? 'default');
      const updates: ContactUpdate[] = [];
      let wake: (() => void) | undefined;
      const unwatch = acd.watch(contactId, (update) => {
        updates.push(update);
        wake?.();
      });
      const onGone = () => wake?.();
      callerGone.addEventListener('abort', onGone, { once: true });
      let inQueue = false;
      try {
        await acd.enqueue({
          contactId,
          channel: 'voice',
          queueId,
          requiredSkills: [],
          priority: this.options.priority ?? 3,
          callerNumber: session.callerNumber,
          attributes: { transferredFrom: peer?.agentId ?? '' },
        });
        inQueue = true;
        enqueued(undefined);
        for (;;) {
          const update = updates.shift();
          if (update === undefined) {
            if (callerGone.aborted) return undefined;
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
            continue;
          }
          if (update.kind === 'accepted') {
            inQueue = false;
            return { agentId: update.agentId, queueId };
          }
          if (update.kind === 'timedOut') {
            inQueue = false;
            return undefined;
          }
        }
      } catch (error) {
        enqueued(error instanceof Error ? error : new Error(String(error)));
        throw error;
      } finally {
        unwatch();
        callerGone.removeEventListener('abort', onGone);
        if (inQueue) {
          await acd.cancel(contactId, 'abandoned').catch((error: unknown) => {
            logger.warn({ err: error, contactId }, 'could not take the caller out of the queue');
          });
        }
        await music.stop();
      }
    };
    await session.handOff(wait);
    const failed = await placed;
    if (failed !== undefined) throw failed;
    logger.info({ callId: contactId, queueId, from: peer?.agentId }, 'call transferred to a queue');
  }
}
