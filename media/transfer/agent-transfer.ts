import type { Logger } from '../../platform/logger.ts';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { FreeSwitchCallSession } from '../freeswitch/free-switch-call-session.ts';
import type { TransferTargetCall } from './transfer-target-call.ts';

/**
 * Blind transfer of a bridged call to an agent. The target is engaged in
 * routing (`conflict` naming why when they are not available) and their
 * registered phones ring while the caller stays with the transferring
 * agent; whoever answers is bridged with the caller and the transferring
 * agent's leg ends (their contact completes: wrap-up, as for other
 * transfers). Nobody answering returns `unavailable` and changes nothing:
 * the caller is still with the transferring agent, who may try someone else
 * (a caller is never left with nobody, and no queue place is invented).
 *
 * @example
 * await transferToAgent(session, 'sam', targets, logger);
 */
export async function transferToAgent(
  session: FreeSwitchCallSession,
  agentId: string,
  targets: Pick<TransferTargetCall, 'reserve'>,
  logger: Logger,
): Promise<void> {
  const target = await targets.reserve(
    session.callId,
    { kind: 'agent', agentId },
    'transfer',
    session.callerNumber,
  );
  const gone = new AbortController();
  const unwatch = session.onHangup(() => gone.abort(new Error('caller hung up')));
  const leg = await target.ring(gone.signal).finally(unwatch);
  if (leg === undefined) {
    if (session.ended)
      throw new SwitchboardError('not_found', 'The call ended during the transfer');
    throw new SwitchboardError(
      'unavailable',
      'The agent did not answer; the caller is still with you',
      { reason: 'no-answer' },
    );
  }
  if (session.ended || session.bridgedPeer === undefined) {
    await leg.hangup();
    throw new SwitchboardError('not_found', 'The call ended during the transfer');
  }
  await session.handOver(leg, agentId);
  logger.info({ callId: session.callId, agentId }, 'call transferred to an agent');
}
