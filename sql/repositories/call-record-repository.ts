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
 *
 * A batch is written as at most one multi-row statement per table (calls
 * first, for the legs' and events' foreign keys), in one transaction when
 * there is more than one: per row, a statement of its own cost a round trip
 * and a query build, which at tens of calls per second was a large share of
 * the voice process's CPU.
 */
export class CallRecordRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Writes `rows` in one transaction; of several snapshots of one call or leg the last wins. */
  async writeBatch(rows: readonly CallRecordRow[]): Promise<void> {
    const calls = new Map<string, CallSnapshot>();
    const legs = new Map<string, CallLegSnapshot>();
    const events = new Map<string, CallEventRecord>();
    const recordings = new Map<string, RecordingRecord>();
    for (const row of rows) {
      if (row.kind === 'call') calls.set(row.call.id, row.call);
      else if (row.kind === 'leg') legs.set(row.leg.id, row.leg);
      else if (row.kind === 'event') events.set(row.event.eventId, row.event);
      else recordings.set(row.recording.storageUri, row.recording);
    }
    const writes: ((db: Kysely<Database>) => Promise<unknown>)[] = [];
    if (calls.size > 0) writes.push((db) => upsertCalls(db, [...calls.values()]));
    if (legs.size > 0) writes.push((db) => upsertLegs(db, [...legs.values()]));
    if (events.size > 0) writes.push((db) => insertEvents(db, [...events.values()]));
    if (recordings.size > 0) writes.push((db) => insertRecordings(db, [...recordings.values()]));
    const [only] = writes;
    if (writes.length === 1 && only !== undefined) {
      await only(this.db);
      return;
    }
    if (writes.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const write of writes) await write(trx);
    });
  }
}

async function upsertCalls(db: Kysely<Database>, calls: readonly CallSnapshot[]): Promise<void> {
  await db
    .insertInto('calls')
    .values(
      calls.map((c) => ({
        id: c.id,
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
      })),
    )
    // The newer snapshot replaces the row.
    .onConflict((conflict) =>
      conflict.column('id').doUpdateSet((eb) => ({
        direction: eb.ref('excluded.direction'),
        from_number: eb.ref('excluded.from_number'),
        to_number: eb.ref('excluded.to_number'),
        did: eb.ref('excluded.did'),
        sip_call_id: eb.ref('excluded.sip_call_id'),
        flow_id: eb.ref('excluded.flow_id'),
        queue_id: eb.ref('excluded.queue_id'),
        agent_id: eb.ref('excluded.agent_id'),
        started_at: eb.ref('excluded.started_at'),
        answered_at: eb.ref('excluded.answered_at'),
        enqueued_at: eb.ref('excluded.enqueued_at'),
        offered_at: eb.ref('excluded.offered_at'),
        bridged_at: eb.ref('excluded.bridged_at'),
        ended_at: eb.ref('excluded.ended_at'),
        hangup_cause: eb.ref('excluded.hangup_cause'),
        disposition: eb.ref('excluded.disposition'),
        sip_status: eb.ref('excluded.sip_status'),
      })),
    )
    .execute();
}

async function upsertLegs(db: Kysely<Database>, legs: readonly CallLegSnapshot[]): Promise<void> {
  await db
    .insertInto('call_legs')
    .values(
      legs.map((l) => ({
        id: l.id,
        call_id: l.callId,
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
      })),
    )
    .onConflict((conflict) =>
      conflict.column('id').doUpdateSet((eb) => ({
        role: eb.ref('excluded.role'),
        user_id: eb.ref('excluded.user_id'),
        sip_uri: eb.ref('excluded.sip_uri'),
        sip_call_id: eb.ref('excluded.sip_call_id'),
        media_uuid: eb.ref('excluded.media_uuid'),
        started_at: eb.ref('excluded.started_at'),
        answered_at: eb.ref('excluded.answered_at'),
        ended_at: eb.ref('excluded.ended_at'),
        hangup_cause: eb.ref('excluded.hangup_cause'),
        sip_status: eb.ref('excluded.sip_status'),
      })),
    )
    .execute();
}

async function insertEvents(
  db: Kysely<Database>,
  events: readonly CallEventRecord[],
): Promise<void> {
  await db
    .insertInto('call_events')
    .values(
      events.map((e) => ({
        event_id: e.eventId,
        call_id: e.callId,
        type: e.type,
        occurred_at: e.occurredAt,
        payload: JSON.stringify(e.payload),
      })),
    )
    .onConflict((conflict) => conflict.column('event_id').doNothing())
    .execute();
}

async function insertRecordings(
  db: Kysely<Database>,
  recordings: readonly RecordingRecord[],
): Promise<void> {
  await db
    .insertInto('recordings')
    .values(
      recordings.map((r) => ({
        call_id: r.callId,
        storage_uri: r.storageUri,
        channels: r.channels,
        started_at: r.startedAt,
        duration_ms: r.durationMs,
        bytes: r.bytes,
        sha256: r.sha256,
        masked_intervals: JSON.stringify(r.maskedIntervals),
      })),
    )
    .onConflict((conflict) => conflict.column('storage_uri').doNothing())
    .execute();
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
