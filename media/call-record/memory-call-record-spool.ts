import type { CallRecordItem } from './call-record.ts';
import type { CallRecordSpool } from './call-record-spool.ts';

/**
 * The in-memory twin of {@link FileCallRecordSpool}: the same segments and
 * order, nothing outlives the process. For tests of the writer's rules.
 */
export class MemoryCallRecordSpool implements CallRecordSpool {
  private readonly segments: CallRecordItem[][] = [];
  /** Whether the last segment still takes appends (not yet handed out as the head). */
  private tailOpen = false;

  constructor(private readonly segmentSize = 1_000) {}

  /** Nothing outlives the process: every segment is this one's. */
  readonly headFromEarlierProcess = false;

  get size(): number {
    return this.segments.reduce((total, segment) => total + segment.length, 0);
  }

  append(item: CallRecordItem): void {
    const tail = this.segments.at(-1);
    if (tail !== undefined && this.tailOpen && tail.length < this.segmentSize) tail.push(item);
    else {
      this.segments.push([item]);
      this.tailOpen = true;
    }
  }

  prepend(items: readonly CallRecordItem[]): void {
    if (items.length === 0) return;
    this.segments.unshift([...items]);
    if (this.segments.length === 1) this.tailOpen = false;
  }

  head(): readonly CallRecordItem[] | undefined {
    if (this.segments.length === 1) this.tailOpen = false;
    return this.segments[0];
  }

  dropHead(): void {
    this.segments.shift();
  }
}
