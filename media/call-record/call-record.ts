/**
 * What the voice layer writes down about a call: the call row, its legs, its
 * events and its recordings. Each item is a full snapshot or an event with
 * its own id, so writing one twice changes nothing; that is what lets the
 * writer retry freely after Postgres comes back.
 */
import type { CallDirection, CallDisposition, CallLegRole } from '../../sql/tables/call-tables.ts';

export type { CallDirection, CallDisposition, CallLegRole };

/** The `calls` row as it stands now; later snapshots of the same id replace earlier ones. */
export interface CallSnapshot {
  readonly id: string;
  readonly direction: CallDirection;
  readonly fromNumber: string;
  readonly toNumber: string;
  readonly did: string | null;
  readonly sipCallId: string | null;
  readonly flowId: string | null;
  readonly queueId: string | null;
  readonly agentId: string | null;
  readonly startedAt: Date;
  readonly answeredAt: Date | null;
  readonly enqueuedAt: Date | null;
  readonly offeredAt: Date | null;
  readonly bridgedAt: Date | null;
  readonly endedAt: Date | null;
  readonly hangupCause: string | null;
  readonly disposition: CallDisposition | null;
  readonly sipStatus: number | null;
}

/** The `call_legs` row as it stands now. */
export interface CallLegSnapshot {
  readonly id: string;
  readonly callId: string;
  readonly role: CallLegRole;
  readonly userId: string | null;
  readonly sipUri: string;
  readonly sipCallId: string | null;
  readonly mediaUuid: string | null;
  readonly startedAt: Date;
  readonly answeredAt: Date | null;
  readonly endedAt: Date | null;
  readonly hangupCause: string | null;
  readonly sipStatus: number | null;
}

/** One `call_events` row; `eventId` makes a replay harmless. */
export interface CallEventRecord {
  readonly eventId: string;
  readonly callId: string;
  readonly type: string;
  readonly occurredAt: Date;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** One `recordings` row; the storage URI is unique, so a replay is harmless. */
export interface RecordingRecord {
  readonly callId: string;
  readonly storageUri: string;
  readonly channels: 1 | 2;
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly maskedIntervals: readonly { readonly fromMs: number; readonly toMs: number }[];
}

export type CallRecordItem =
  | { readonly kind: 'call'; readonly call: CallSnapshot }
  | { readonly kind: 'leg'; readonly leg: CallLegSnapshot }
  | { readonly kind: 'event'; readonly event: CallEventRecord }
  | { readonly kind: 'recording'; readonly recording: RecordingRecord };

/** Where call records go; the writer implements it, tests may collect. */
export interface CallRecordSink {
  /** Queues `item`; never blocks the call. */
  write(item: CallRecordItem): void;
}

/** Writes a batch of items in order, idempotently; the Postgres repository implements it. */
export interface CallRecordStore {
  writeBatch(items: readonly CallRecordItem[]): Promise<void>;
}
