/**
 * What the voice layer writes down about a call: the call row, its legs, its
 * events and its recordings. Each item is a full snapshot or an event with
 * its own id, so writing one twice changes nothing; that is what lets the
 * writer retry freely after Postgres comes back.
 */
import type {
  CallEventRecord,
  CallLegSnapshot,
  CallRecordRow,
  CallSnapshot,
  RecordingRecord,
} from '../../sql/repositories/call-record-repository.ts';
import type { CallDirection, CallDisposition, CallLegRole } from '../../sql/tables/call-tables.ts';

export type { CallDirection, CallDisposition, CallLegRole };
export type { CallEventRecord, CallLegSnapshot, CallSnapshot, RecordingRecord };
export type CallRecordItem = CallRecordRow;

/** Where call records go; the writer implements it, tests may collect. */
export interface CallRecordSink {
  /** Queues `item`; never blocks the call. */
  write(item: CallRecordItem): void;
}

/** Writes a batch of items in order, idempotently; the Postgres repository implements it. */
export interface CallRecordStore {
  /**
   * Resolves with the items that could not be applied because their call's
   * row is not there yet (offer times), if any; rejects with SQLSTATE 23503
   * for a leg, event or recording of such a call.
   */
  writeBatch(
    items: readonly CallRecordItem[],
    options?: { readonly fromEarlierProcess?: boolean },
  ): Promise<readonly CallRecordItem[] | void>;
}
