import { describe, expect, it } from 'vitest';
import type { CallRecordItem } from './call-record.ts';
import { RecordsAwaitingCall } from './records-awaiting-call.ts';

const leg = (id: string, sipStatus: number): CallRecordItem => ({
  kind: 'leg',
  leg: {
    id,
    callId: 'c1',
    role: 'agent',
    userId: null,
    sipUri: 'sip:alice@example.com',
    sipCallId: null,
    mediaUuid: null,
    startedAt: new Date(0),
    answeredAt: null,
    endedAt: null,
    hangupCause: null,
    sipStatus,
  },
});
const offered = (callId: string): CallRecordItem => ({
  kind: 'offered',
  offered: { callId, offeredAt: new Date(0) },
});

describe('RecordsAwaitingCall', () => {
  it('keeps the newest snapshot of a leg, and lets one written meanwhile supersede it', () => {
    const awaiting = new RecordsAwaitingCall(1_000);
    awaiting.add(leg('l1', 180), 0);
    awaiting.add(leg('l1', 200), 10);
    awaiting.add(leg('l2', 180), 10);
    awaiting.add(offered('c1'), 10);
    expect(awaiting.size).toBe(3);
    awaiting.supersede([leg('l2', 200), offered('c1')]);
    const { retry } = awaiting.takeAll(20);
    expect(retry.map((w) => w.item)).toEqual([leg('l1', 200), offered('c1')]);
    expect(awaiting.size).toBe(0);
  });

  it('hands back as expired what waited longer than maxWaitMs', () => {
    const awaiting = new RecordsAwaitingCall(1_000);
    awaiting.add(offered('old'), 0);
    awaiting.add(offered('new'), 500);
    const { retry, expired } = awaiting.takeAll(1_200);
    expect(retry.map((w) => w.since)).toEqual([500]);
    expect(expired.map((w) => w.since)).toEqual([0]);
  });
});
