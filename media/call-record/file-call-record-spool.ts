import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { CallRecordItem } from './call-record.ts';
import type { CallRecordSpool } from './call-record-spool.ts';

export interface FileCallRecordSpoolOptions {
  /** One directory per process: segments left there are replayed by the next writer using it. */
  readonly dir: string;
  /** Records per segment file, so taking back the head reads a bounded file. Default 1,000. */
  readonly segmentSize?: number;
}

interface Segment {
  readonly seq: number;
  count: number;
  /** Found at start-up: left by an earlier process. */
  readonly inherited?: boolean;
}

/** First segment number; prepends count down from here, so names stay positive. */
const firstSeq = 1_000_000_000;

/**
 * Keeps call records on disk in append-only segment files (`<seq>.jsonl`, one
 * record per line, dates kept as dates), oldest first. Writes are
 * synchronous: the writer's order is the file's order, and a record is with
 * the kernel before `append` returns, so a killed process loses none (a
 * machine crash may lose what was not yet flushed). Segments found at
 * start-up, left by a process that stopped before Postgres came back, are
 * kept and come back first; a line cut short by a crash mid-write is skipped.
 *
 * @example
 * const spool = new FileCallRecordSpool({ dir: 'var/spool/call-records' });
 */
export class FileCallRecordSpool implements CallRecordSpool {
  private readonly segments: Segment[] = [];
  private readonly segmentSize: number;
  /** The segment appends go to, while it is not yet the head handed out. */
  private tail: { readonly segment: Segment; readonly fd: number } | undefined;
  /** Lines of the head segment that could not be read (cut short by a crash). */
  skippedLines = 0;

  constructor(private readonly options: FileCallRecordSpoolOptions) {
    this.segmentSize = options.segmentSize ?? 1_000;
    mkdirSync(options.dir, { recursive: true });
    const found = readdirSync(options.dir)
      .map((name) => /^(\d+)\.jsonl$/.exec(name)?.[1])
      .filter((seq): seq is string => seq !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    for (const seq of found) {
      const text = readFileSync(this.path(seq), 'utf8');
      const count = text.split('\n').filter((line) => line !== '').length;
      this.segments.push({ seq, count, inherited: true });
    }
  }

  get headFromEarlierProcess(): boolean {
    return this.segments[0]?.inherited === true;
  }

  get size(): number {
    return this.segments.reduce((total, segment) => total + segment.count, 0);
  }

  append(item: CallRecordItem): void {
    if (this.tail === undefined || this.tail.segment.count >= this.segmentSize) {
      this.closeTail();
      const segment = { seq: (this.segments.at(-1)?.seq ?? firstSeq - 1) + 1, count: 0 };
      const fd = openSync(this.path(segment.seq), 'a');
      this.segments.push(segment);
      this.tail = { segment, fd };
    }
    writeSync(this.tail.fd, encodeLine(item));
    this.tail.segment.count += 1;
  }

  prepend(items: readonly CallRecordItem[]): void {
    if (items.length === 0) return;
    const seq = (this.segments[0]?.seq ?? firstSeq) - 1;
    // Written whole, flushed, then renamed into place: never a half segment.
    const partial = join(this.options.dir, `${seq}.partial`);
    const fd = openSync(partial, 'w');
    try {
      writeSync(fd, items.map(encodeLine).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(partial, this.path(seq));
    this.segments.unshift({ seq, count: items.length });
  }

  head(): readonly CallRecordItem[] | undefined {
    const segment = this.segments[0];
    if (segment === undefined) return undefined;
    if (this.tail?.segment === segment) this.closeTail();
    const items: CallRecordItem[] = [];
    for (const line of readFileSync(this.path(segment.seq), 'utf8').split('\n')) {
      if (line === '') continue;
      try {
        items.push(JSON.parse(line, reviveDates) as CallRecordItem);
      } catch {
        this.skippedLines += 1;
      }
    }
    return items;
  }

  dropHead(): void {
    const segment = this.segments.shift();
    if (segment === undefined) return;
    if (this.tail?.segment === segment) this.closeTail();
    unlinkSync(this.path(segment.seq));
  }

  /** Closes the open segment file (at shutdown; appends reopen one). */
  close(): void {
    this.closeTail();
  }

  private closeTail(): void {
    if (this.tail !== undefined) closeSync(this.tail.fd);
    this.tail = undefined;
  }

  private path(seq: number): string {
    return join(this.options.dir, `${seq}.jsonl`);
  }
}

function encodeLine(item: CallRecordItem): string {
  return `${JSON.stringify(item, keepDates)}\n`;
}

/** Dates become `{"$date": ISO}` (JSON would leave a string nobody turns back into a Date). */
function keepDates(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  return raw instanceof Date ? { $date: raw.toISOString() } : value;
}

function reviveDates(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && Object.keys(value).length === 1) {
    const date = (value as { $date?: unknown }).$date;
    if (typeof date === 'string') return new Date(date);
  }
  return value;
}
