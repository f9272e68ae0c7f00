/**
 * The desktop's `call.connected` event: told once per agent a call is
 * bridged to (again after a transfer to another agent), never for calls in
 * the IVR or queue or after they end; written to the real Redis stream as a
 * live event of topic `call`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger.ts';
import type { CallSnapshot } from '../../sql/repositories/call-record-repository.ts';
import { createTestRedis } from '../../test/test-redis.ts';
import type { CallRecordItem } from './call-record.ts';
import {
  callConnectedStreamNotice,
  withConnectedNotices,
  type CallConnected,
} from './call-connected-notice.ts';

const testRedis = createTestRedis();
afterAll(() => testRedis.cleanup());

const base: CallSnapshot = {
  id: 'call-1',
  direction: 'inbound',
  fromNumber: '+15550001111',
  toNumber: '+15550000000',
  did: null,
  sipCallId: null,
  flowId: null,
  queueId: null,
  agentId: null,
  startedAt: new Date(1_000),
  answeredAt: new Date(1_000),
  enqueuedAt: null,
  offeredAt: null,
  bridgedAt: null,
  endedAt: null,
  hangupCause: null,
  disposition: null,
  sipStatus: null,
};

function rig() {
  const written: CallRecordItem[] = [];
  const told: CallConnected[] = [];
  const sink = withConnectedNotices(
    { write: (item) => void written.push(item), hasRoomForNewCalls: true },
    (change) => {
      told.push(change);
      return Promise.resolve();
    },
    createLogger({ level: 'silent' }),
  );
  const call = (changes: Partial<CallSnapshot>) =>
    sink.write({ kind: 'call', call: { ...base, ...changes } });
  return { sink, written, told, call };
}

describe('call.connected notices', () => {
  it('tells once when an agent is bridged, and again for another agent after a transfer', () => {
    const { written, told, call } = rig();
    call({ queueId: 'q', enqueuedAt: new Date(2_000) });
    expect(told).toEqual([]);
    call({ agentId: 'agent-a', bridgedAt: new Date(3_000) });
    call({ agentId: 'agent-a', bridgedAt: new Date(3_000), answeredAt: new Date(3_000) });
    expect(told).toEqual([{ callId: 'call-1', agentId: 'agent-a', at: 3_000 }]);
    call({ agentId: 'agent-b', bridgedAt: new Date(9_000) });
    expect(told.map((c) => c.agentId)).toEqual(['agent-a', 'agent-b']);
    call({ agentId: 'agent-b', bridgedAt: new Date(9_000), endedAt: new Date(12_000) });
    expect(told).toHaveLength(2);
    // Every item still reaches the writer, in order.
    expect(written).toHaveLength(5);
  });

  it("keeps the writer's room check", () => {
    const full = withConnectedNotices(
      { write: () => undefined, hasRoomForNewCalls: false },
      () => Promise.resolve(),
      createLogger({ level: 'silent' }),
    );
    expect(full.hasRoomForNewCalls).toBe(false);
  });

  it('writes a live event of topic call with the call and the agent', async () => {
    const redis = testRedis.connect();
    const streamKey = `${testRedis.keyPrefix}events`;
    await callConnectedStreamNotice(
      redis,
      streamKey,
    )({
      callId: 'call-1',
      agentId: 'agent-a',
      at: 3_000,
    });
    const entries = await redis.xrange(streamKey, '-', '+');
    expect(entries).toHaveLength(1);
    const fields = entries[0]![1];
    const data = Object.fromEntries(
      fields.flatMap((value, index) => (index % 2 === 0 ? [[value, fields[index + 1]]] : [])),
    ) as Record<string, string>;
    // The live event server names the topic by the type's first word: `call`.
    expect(data).toMatchObject({ type: 'call.connected', callId: 'call-1', agentId: 'agent-a' });
  });
});
