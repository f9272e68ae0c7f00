import type { CallRepository } from '../../sql/repositories/call-repository.ts';
import type { DispositionCodeRepository } from '../../sql/repositories/disposition-code-repository.ts';
import type { QueueRepository } from '../../sql/repositories/queue-repository.ts';
import { requireVisible } from '../access/access-scope-resolver.ts';
import { redactSensitiveText } from '../privacy/sensitive-text.ts';
import { invalidField } from '../routes/request-validation.ts';

/** What an agent gives when ending wrap-up on a call they handled. */
export interface CallWrapUp {
  readonly agentId: string;
  readonly callId: string;
  readonly code?: string | undefined;
  readonly notes?: string | undefined;
}

/**
 * The wrap-up rules for one call, then the code and notes stored on it.
 * Once any active code applies to the call (its queue's own or a global
 * one) the code must be one of them, so reports group calls by a closed
 * list; a queue with `wrap_up_code_required` refuses to end wrap-up
 * without one. Refusals name `body.code` and list the allowed codes in
 * `details.allowed`. Notes lose card numbers and national ids before they
 * are stored: they are read by more people than the agent who typed them.
 *
 * @example
 * await wrapUp.record({ agentId, callId, code: 'sale', notes: 'Wants a call on Monday' });
 */
export class WrapUpRules {
  constructor(
    private readonly deps: {
      readonly calls: CallRepository;
      readonly queues: QueueRepository;
      readonly codes: DispositionCodeRepository;
    },
  ) {}

  /** Throws `not_found` for a call the agent did not handle, `validation_failed` for a refused code. */
  async record(wrapUp: CallWrapUp): Promise<void> {
    const { calls, queues, codes } = this.deps;
    const call = await calls.findById(wrapUp.callId);
    requireVisible(call !== undefined && call.agent_id === wrapUp.agentId, 'Call');
    const queueId = call!.queue_id;
    const [allowed, queue] = await Promise.all([
      codes.activeCodesFor(queueId),
      queueId === null ? undefined : queues.findById(queueId),
    ]);
    if (wrapUp.code === undefined) {
      if (queue?.wrap_up_code_required === true) {
        throw invalidField('body.code', `queue ${queue.name} needs a wrap-up code`, { allowed });
      }
    } else if (allowed.length > 0 && !allowed.includes(wrapUp.code)) {
      throw invalidField('body.code', `must be one of ${allowed.join(', ')}`, { allowed });
    }
    const notes = wrapUp.notes?.trim();
    const stored = await calls.setWrapUp(wrapUp.callId, wrapUp.agentId, {
      code: wrapUp.code,
      notes: notes === undefined ? undefined : notes === '' ? null : redactSensitiveText(notes),
    });
    // Handed to another agent since it was read (a transfer): no longer theirs.
    requireVisible(stored, 'Call');
  }
}
