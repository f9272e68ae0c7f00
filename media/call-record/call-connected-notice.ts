import type { Redis } from 'ioredis';
import { appendLiveEvent } from '../live-call/live-event-stream.ts';
import type { Logger } from '../../platform/logger.ts';
import type { CallRecordSink } from './call-record.ts';

/** An agent was bridged with a call's customer (first time, or after a transfer). */
export interface CallConnected {
  readonly callId: string;
  readonly agentId: string;
  readonly at: number;
}

/** The live event type: topic `call`, so the agent's desktop re-reads the call. */
export const callConnectedEventType = 'call.connected';

/**
 * Passes every call record on to `sink` and, when a call's snapshot first
 * names its bridged agent (or names another one, after a transfer), tells
 * `connected`: the desktop learns the moment the call's controls (hold,
 * mute, keys) work, as an event rather than by asking. The record is the
 * one place every kind of call (inbound, callback, click-to-dial) passes
 * through when it is bridged.
 *
 * @example
 * const sink = withConnectedNotices(writer, callConnectedStreamNotice(redis, streamKey), logger);
 */
export function withConnectedNotices(
  sink: CallRecordSink & { readonly hasRoomForNewCalls: boolean },
  connected: (change: CallConnected) => Promise<void>,
  logger: Logger,
): CallRecordSink & { readonly hasRoomForNewCalls: boolean } {
  const bridgedAgent = new Map<string, string>();
  return {
    get hasRoomForNewCalls() {
      return sink.hasRoomForNewCalls;
    },
    write(item) {
      sink.write(item);
      if (item.kind !== 'call') return;
      const { id, agentId, bridgedAt, endedAt } = item.call;
      if (endedAt !== null) {
        bridgedAgent.delete(id);
        return;
      }
      if (bridgedAt === null || agentId === null || bridgedAgent.get(id) === agentId) return;
      bridgedAgent.set(id, agentId);
      connected({ callId: id, agentId, at: bridgedAt.getTime() }).catch((error: unknown) =>
        logger.warn({ err: error, callId: id }, 'could not tell the desktop the call connected'),
      );
    },
  };
}

/** Appends `call.connected` to the live event stream (ids only: nothing to mask). */
export function callConnectedStreamNotice(redis: Redis, streamKey: string, maxLength = 1_000_000) {
  return async (change: CallConnected): Promise<void> => {
    await appendLiveEvent(
      redis,
      streamKey,
      {
        id: `${callConnectedEventType}:${change.callId}:${change.agentId}:${change.at}`,
        type: callConnectedEventType,
        at: change.at,
        fields: { callId: change.callId, agentId: change.agentId },
      },
      maxLength,
    );
  };
}
