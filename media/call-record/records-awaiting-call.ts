import type { CallRecordItem } from './call-record.ts';

/** A record set aside until its call's row is in Postgres, since `since` (ms). */
export interface AwaitingRecord {
  readonly item: CallRecordItem;
  readonly since: number;
}

/**
 * Records whose call row is not in Postgres yet: an offer, agent leg or event
 * that another process's routing or ringing wrote while the call's own
 * process has not yet written the call (it may be catching up after an
 * outage). They wait here and are tried again, rather than being refused as
 * broken; past `maxWaitMs` the call is taken not to exist and they are.
 * Snapshots of a leg keep only the newest, and one written meanwhile by the
 * main flow supersedes the waiting one, so a retry never writes older state
 * over newer.
 */
export class RecordsAwaitingCall {
  private waiting: AwaitingRecord[] = [];

  constructor(readonly maxWaitMs: number) {}

  get size(): number {
    return this.waiting.length;
  }

  add(item: CallRecordItem, since: number): void {
    const key = snapshotKey(item);
    if (key !== undefined) this.waiting = this.waiting.filter((w) => snapshotKey(w.item) !== key);
    this.waiting.push({ item, since });
  }

  /** Forgets waiting snapshots of the calls and legs `written` holds newer ones of. */
  supersede(written: readonly CallRecordItem[]): void {
    if (this.waiting.length === 0) return;
    const keys = new Set(written.map(snapshotKey).filter((key) => key !== undefined));
    this.waiting = this.waiting.filter((w) => {
      const key = snapshotKey(w.item);
      return key === undefined || !keys.has(key);
    });
  }

  /** Takes every waiting record out: those still in time to try again, and those past it. */
  takeAll(now: number): { retry: AwaitingRecord[]; expired: AwaitingRecord[] } {
    const all = this.waiting;
    this.waiting = [];
    return {
      retry: all.filter((w) => now - w.since <= this.maxWaitMs),
      expired: all.filter((w) => now - w.since > this.maxWaitMs),
    };
  }
}

function snapshotKey(item: CallRecordItem): string | undefined {
  if (item.kind === 'leg') return `leg:${item.leg.id}`;
  if (item.kind === 'call') return `call:${item.call.id}`;
  return undefined;
}
