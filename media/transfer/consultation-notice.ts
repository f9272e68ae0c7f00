import type { Redis } from 'ioredis';
import { appendLiveEvent } from '../live-call/live-event-stream.ts';

/** One step of a consultation, as the transferring agent's desktop shows it. */
export interface ConsultationChange {
  readonly type:
    | 'consultation.ringing'
    | 'consultation.connected'
    | 'consultation.completed'
    | 'consultation.cancelled';
  readonly callId: string;
  /** The agent consulting (the call's agent); the live event reaches their desktop. */
  readonly agentId: string;
  readonly targetKind: 'agent' | 'number';
  /** The consulted agent, for `targetKind` agent. */
  readonly targetAgentId?: string;
  /** The consulted number, for `targetKind` number (masked for whoever may not see numbers). */
  readonly number?: string;
  /** Why it was cancelled: `agent`, `no-answer`, `target-hung-up`, `call-ended`. */
  readonly reason?: string;
  readonly at: number;
}

/** Where consultation steps are told. Never rejects: a failure is logged, the call goes on. */
export interface ConsultationNotice {
  tell(change: ConsultationChange): Promise<void>;
}

/**
 * Appends each step to the event stream the live event server follows
 * (topic `consultation`, with `agentId` so the agent's desktop receives it;
 * `number` is masked there like any phone number).
 */
export function consultationStreamNotice(
  redis: Redis,
  streamKey: string,
  logger: { warn(details: object, message: string): void },
  maxLength = 1_000_000,
): ConsultationNotice {
  return {
    async tell(change) {
      await appendLiveEvent(
        redis,
        streamKey,
        {
          id: `${change.type}:${change.callId}:${change.at}`,
          type: change.type,
          at: change.at,
          fields: {
            callId: change.callId,
            agentId: change.agentId,
            targetKind: change.targetKind,
            targetAgentId: change.targetAgentId,
            number: change.number,
            reason: change.reason,
          },
        },
        maxLength,
      ).catch((error: unknown) => logger.warn({ err: error, change }, 'consultation not told'));
    },
  };
}
