import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../database.ts';
import type { CallDisposition, CallDirection, CallLegRole } from '../tables/call-tables.ts';

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

/** Rows as the voice layer hands them over (media/call-record/). */
export type CallRecordRow =
  | { readonly kind: 'call'; readonly call: CallSnapshot }
  | { readonly kind: 'leg'; readonly leg: CallLegSnapshot }
  | { readonly kind: 'event'; readonly event: CallEventRecord }
  | { readonly kind: 'recording'; readonly recording: RecordingRecord };

/**
 * Writes calls, legs, events and recordings. Every statement is idempotent:
 * calls and legs are upserted as whole snapshots, events and recordings are
 * skipped when their id (event id, storage URI) is already there.
 */
export class CallRecordRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Writes `rows` in order in one transaction. */
  async writeBatch(rows: readonly CallRecordRow[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const row of rows) await new CallRecordRepository(trx).writeOne(row);
    });
  }

  private async writeOne(row: CallRecordRow): Promise<void> {
    switch (row.kind) {
      case 'call': {
        const c = row.call;
        const updates = {
          direction: c.direction,
          from_number: c.fromNumber,
          to_number: c.toNumber,
          did: c.did,
          sip_call_id: c.sipCallId,
          flow_id: c.flowId,
          queue_id: queueRef(c.queueId),
          agent_id: userRef(c.agentId),
          started_at: c.startedAt,
          answered_at: c.answeredAt,
          enqueued_at: c.enqueuedAt,
          offered_at: c.offeredAt,
          bridged_at: c.bridgedAt,
          ended_at: c.endedAt,
          hangup_cause: c.hangupCause,
          disposition: c.disposition,
          sip_status: c.sipStatus,
        };
        await this.db
          .insertInto('calls')
          .values({ id: c.id, ...updates })
          .onConflict((conflict) => conflict.column('id').doUpdateSet(updates))
          .execute();
        return;
      }
      case 'leg': {
        const l = row.leg;
        const updates = {
          role: l.role,
          user_id: userRef(l.userId),
          sip_uri: l.sipUri,
          sip_call_id: l.sipCallId,
          media_uuid: l.mediaUuid,
          started_at: l.startedAt,
          answered_at: l.answeredAt,
          ended_at: l.endedAt,
          hangup_cause: l.hangupCause,
          sip_status: l.sipStatus,
        };
        await this.db
          .insertInto('call_legs')
          .values({ id: l.id, call_id: l.callId, ...updates })
          .onConflict((conflict) => conflict.column('id').doUpdateSet(updates))
          .execute();
        return;
      }
      case 'event': {
        const e = row.event;
        await this.db
          .insertInto('call_events')
          .values({
            event_id: e.eventId,
            call_id: e.callId,
            type: e.type,
            occurred_at: e.occurredAt,
            payload: JSON.stringify(e.payload),
          })
          .onConflict((conflict) => conflict.column('event_id').doNothing())
          .execute();
        return;
      }
      case 'recording': {
        const r = row.recording;
        await this.db
          .insertInto('recordings')
          .values({
            call_id: r.callId,
            storage_uri: r.storageUri,
            channels: r.channels,
            started_at: r.startedAt,
            duration_ms: r.durationMs,
            bytes: r.bytes,
            sha256: r.sha256,
            masked_intervals: JSON.stringify(r.maskedIntervals),
          })
          .onConflict((conflict) => conflict.column('storage_uri').doNothing())
          .execute();
        return;
      }
    }
  }
}

/**
 * Routing and flows name queues by name, the API by row id: either finds the
 * row. An unknown queue (deleted, mistyped in a flow) is recorded as none
 * rather than failing the whole record.
 */
function queueRef(queue: string | null): RawBuilder<string | null> | null {
  if (queue === null) return null;
  return sql<
    string | null
  >`(SELECT id FROM queues WHERE name = ${queue} OR id::text = ${queue} LIMIT 1)`;
}

/** A user that no longer exists (or an id that is not one) is recorded as none. */
function userRef(user: string | null): RawBuilder<string | null> | null {
  if (user === null) return null;
  return sql<string | null>`(SELECT id FROM users WHERE id::text = ${user})`;
}
