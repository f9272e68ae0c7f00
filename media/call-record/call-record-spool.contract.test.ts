/**
 * The CallRecordSpool contract, run against the file spool (a real temporary
 * directory) and its in-memory twin; then what only the file spool promises:
 * segments outlive the process, and a line cut short by a crash is skipped.
 */
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallRecordItem } from './call-record.ts';
import type { CallRecordSpool } from './call-record-spool.ts';
import { FileCallRecordSpool } from './file-call-record-spool.ts';
import { MemoryCallRecordSpool } from './memory-call-record-spool.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-spool-'));
  dirs.push(dir);
  return dir;
}

function event(n: number): CallRecordItem {
  return {
    kind: 'event',
    event: {
      eventId: `e${n}`,
      callId: '11111111-1111-4111-8111-111111111111',
      type: 'call.answered',
      occurredAt: new Date(Date.UTC(2026, 2, 1, 10, 0, 0, n)),
      payload: { n, answeredAt: new Date(Date.UTC(2026, 2, 1, 10)) },
    },
  };
}

const ids = (items: readonly CallRecordItem[] | undefined) =>
  (items ?? []).map((item) => (item.kind === 'event' ? item.event.eventId : item.kind));

/** Takes everything back, head by head. */
function takeAll(spool: CallRecordSpool): string[] {
  const taken: string[] = [];
  for (let head = spool.head(); head !== undefined; head = spool.head()) {
    taken.push(...ids(head));
    spool.dropHead();
  }
  return taken;
}

describe.each([
  ['FileCallRecordSpool', () => new FileCallRecordSpool({ dir: tempDir(), segmentSize: 3 })],
  ['MemoryCallRecordSpool', () => new MemoryCallRecordSpool(3)],
])('%s', (_, makeSpool: () => CallRecordSpool) => {
  it('gives records back in the order they went in, a segment at a time', () => {
    const spool = makeSpool();
    expect(spool.head()).toBeUndefined();
    for (let n = 1; n <= 7; n++) spool.append(event(n));
    expect(spool.size).toBe(7);
    expect(ids(spool.head())).toEqual(['e1', 'e2', 'e3']);
    expect(ids(spool.head())).toEqual(['e1', 'e2', 'e3']);
    spool.dropHead();
    expect(spool.size).toBe(4);
    expect(takeAll(spool)).toEqual(['e4', 'e5', 'e6', 'e7']);
    expect(spool.size).toBe(0);
  });

  it('starts a new segment for appends once the last one is handed out as the head', () => {
    const spool = makeSpool();
    spool.append(event(1));
    expect(ids(spool.head())).toEqual(['e1']);
    spool.append(event(2));
    expect(ids(spool.head())).toEqual(['e1']);
    expect(spool.size).toBe(2);
    expect(takeAll(spool)).toEqual(['e1', 'e2']);
  });

  it('puts prepended records before everything, and keeps dates as dates', () => {
    const spool = makeSpool();
    spool.append(event(3));
    spool.prepend([event(1), event(2)]);
    spool.append(event(4));
    const head = spool.head();
    expect(ids(head)).toEqual(['e1', 'e2']);
    // Equal as values: the dates inside came back as Date objects.
    expect(head?.[0]).toEqual(event(1));
    expect(takeAll(spool)).toEqual(['e1', 'e2', 'e3', 'e4']);
  });
});

describe('FileCallRecordSpool on disk', () => {
  it('keeps its segments for the next process, marked as earlier, and skips a line cut short by a crash', () => {
    const dir = tempDir();
    const first = new FileCallRecordSpool({ dir, segmentSize: 2 });
    for (let n = 1; n <= 3; n++) first.append(event(n));
    first.prepend([event(0)]);
    expect(first.headFromEarlierProcess).toBe(false);
    first.close();
    const last = readdirSync(dir).sort().at(-1) ?? '';
    appendFileSync(join(dir, last), '{"kind":"event","ev');

    const next = new FileCallRecordSpool({ dir, segmentSize: 2 });
    expect(next.size).toBe(5);
    // Left by the process before: written without naming this one as the calls' owner.
    expect(next.headFromEarlierProcess).toBe(true);
    expect(takeAll(next)).toEqual(['e0', 'e1', 'e2', 'e3']);
    expect(next.skippedLines).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });
});
