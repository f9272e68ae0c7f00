import type { CallRecordItem } from './call-record.ts';

/**
 * Where the call record writer puts records past its memory bound while
 * Postgres is unreachable, and where it leaves what it still holds at
 * shutdown: an ordered store that outlives the process. Records come back
 * out in the order they went in, a segment (a run of records) at a time.
 * Owned by the writer (`call-record-writer.ts`); `FileCallRecordSpool` keeps
 * it on disk, `MemoryCallRecordSpool` is the in-memory twin for tests.
 *
 * @example
 * spool.append(item);              // at the tail
 * const head = spool.head();       // oldest segment, still kept
 * await store.writeBatch(head);
 * spool.dropHead();                // written: forget it
 */
export interface CallRecordSpool {
  /** Records kept, the head segment included until it is dropped. */
  readonly size: number;
  /** Keeps `item` at the tail; throws when it cannot (disk full), so the caller keeps it. */
  append(item: CallRecordItem): void;
  /** Keeps `items` before everything else (what memory held at shutdown, older than the tail). */
  prepend(items: readonly CallRecordItem[]): void;
  /**
   * The oldest segment's records, in order; undefined when the spool is
   * empty. Later appends start a new segment, so the head does not grow
   * while it is being written. It stays kept until {@link dropHead}.
   */
  head(): readonly CallRecordItem[] | undefined;
  /** Forgets the head segment (its records are in Postgres). */
  dropHead(): void;
  /** Whether the head segment was left by an earlier process (found at start-up). */
  readonly headFromEarlierProcess: boolean;
}
