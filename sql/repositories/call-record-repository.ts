import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { preparedStatement } from './prepared-statement.ts';
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

/**
 * Routing offered the call to an agent. Written by whoever follows the ACD's
 * offers, not by the call's own recorder, so it sets `calls.offered_at` on
 * the row as it stands; the earliest offer wins, whatever the order, and a
 * later snapshot without it does not clear it.
 */
export interface CallOffered {
  readonly callId: string;
  readonly offeredAt: Date;
}

/** How a batch is written. */
export interface WriteBatchOptions {
  /**
   * The rows were left unwritten by an earlier process (its spool): they do
   * not name this process as the calls' owner, so a call that process left
   * open is closed by the open-call sweep, not kept open by this one.
   */
  readonly fromEarlierProcess?: boolean;
}

/** Rows as the voice layer hands them over (media/call-record/). */
export type CallRecordRow =
  | { readonly kind: 'call'; readonly call: CallSnapshot }
  | { readonly kind: 'offered'; readonly offered: CallOffered }
  | { readonly kind: 'leg'; readonly leg: CallLegSnapshot }
  | { readonly kind: 'event'; readonly event: CallEventRecord }
  | { readonly kind: 'recording'; readonly recording: RecordingRecord };

/**
 * Writes calls, legs, events and recordings. Every statement is idempotent:
 * calls and legs are upserted as whole snapshots, events and recordings are
 * skipped when their id (event id, storage URI) is already there, and an
 * offer time only ever moves a call's `offered_at` earlier.
 *
 * A batch's calls, legs and events are written by one prepared statement
 * (one `INSERT ... SELECT FROM unnest(...)` per table, joined as data-modifying
 * CTEs), so a batch is a single round trip and its own transaction: the
 * foreign keys from legs and events to their call are checked at the end of
 * the statement, when the call row is there. Per row, a statement of its own
 * cost a round trip and a query build; per table, with BEGIN and COMMIT,
 * five round trips a batch, which at tens of calls per second was still a
 * large share of the voice process's and Postgres's CPU.
 */
export class CallRecordRepository {
  /**
   * `instanceId` names this process on every call row it writes, so that
   * another process can close its calls if it dies (`OpenCallSweeper`).
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly instanceId: string | null = null,
  ) {}

  /**
   * Writes `rows` in one transaction; of several snapshots of one call or leg
   * the last wins. Returns the offer times whose call row is not there yet
   * (another process's records, still on their way): nothing was written for
   * them, and they can be written again later. A leg, event or recording of
   * a missing call fails the batch with a foreign key violation (23503).
   */
  async writeBatch(
    rows: readonly CallRecordRow[],
    options: WriteBatchOptions = {},
  ): Promise<CallRecordRow[]> {
    const calls = new Map<string, CallSnapshot>();
    const offers = new Map<string, Date>();
    const legs = new Map<string, CallLegSnapshot>();
    const events = new Map<string, CallEventRecord>();
    const recordings = new Map<string, RecordingRecord>();
    for (const row of rows) {
      if (row.kind === 'call') calls.set(row.call.id, row.call);
      else if (row.kind === 'offered') {
        const { callId, offeredAt } = row.offered;
        offers.set(callId, earliest(offers.get(callId) ?? null, offeredAt));
      } else if (row.kind === 'leg') legs.set(row.leg.id, row.leg);
      else if (row.kind === 'event') events.set(row.event.eventId, row.event);
      else recordings.set(row.recording.storageUri, row.recording);
    }
    // One statement may not change a row twice: a call upserted in this batch
    // takes its offer time along instead of being marked separately.
    for (const [callId, offeredAt] of offers) {
      const call = calls.get(callId);
      if (call === undefined) continue;
      calls.set(callId, { ...call, offeredAt: earliest(call.offeredAt, offeredAt) });
      offers.delete(callId);
    }
    const hasRecords = calls.size + offers.size + legs.size + events.size > 0;
    const missingCalls = new Set<string>();
    const write = async (db: Kysely<Database>) => {
      if (hasRecords) {
        const missing = await writeRecordsStatement(db, [
          ...callColumns([...calls.values()]),
          ...legColumns([...legs.values()]),
          ...eventColumns([...events.values()]),
          options.fromEarlierProcess === true ? null : this.instanceId,
          [...offers.keys()],
          [...offers.values()].map((at) => at.toISOString()),
        ]);
        for (const row of missing) missingCalls.add(row.call_id);
      }
      if (recordings.size > 0) await insertRecordings(db, [...recordings.values()]);
    };
    // The records statement is a transaction of its own; only both together need one.
    if (hasRecords && recordings.size > 0) await this.db.transaction().execute(write);
    else await write(this.db);
    return [...missingCalls].map((callId) => ({
      kind: 'offered',
      offered: { callId, offeredAt: offers.get(callId) ?? new Date(0) },
    }));
  }
}

// The statement takes one array per column and `unnest`s each table's arrays
// into rows: fixed text for any batch size (an empty table's arrays insert
// nothing), so it is prepared once per connection. Data-modifying CTEs all
// run, read or not. Routing and flows name a queue by name, the API by id:
// either finds the row. An unknown queue (deleted, mistyped in a flow) or a
// user that no longer exists is recorded as none rather than failing the
// whole batch. A call keeps the process that first wrote it as its owner,
// and an ended call is never reopened by a snapshot from before its end
// (say one replayed from a spool after the open-call sweep closed it). The
// rows returned are offers whose call is not in the table (the snapshot the
// statement sees, from before its own inserts: offers of calls in the batch
// were folded into their snapshots).
const writeRecordsStatement = preparedStatement<{ call_id: string }>(
  'call_records_write',
  `WITH upserted_calls AS (
     INSERT INTO calls (id, direction, from_number, to_number, did, sip_call_id, flow_id,
       queue_id, agent_id, started_at, answered_at, enqueued_at, offered_at, bridged_at,
       ended_at, hangup_cause, disposition, sip_status, instance_id)
     SELECT r.id, r.direction, r.from_number, r.to_number, r.did, r.sip_call_id, r.flow_id,
       (SELECT q.id FROM queues q WHERE q.name = r.queue OR q.id::text = r.queue LIMIT 1),
       (SELECT u.id FROM users u WHERE u.id::text = r.agent),
       r.started_at, r.answered_at, r.enqueued_at, r.offered_at, r.bridged_at, r.ended_at,
       r.hangup_cause, r.disposition, r.sip_status, $36::text
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
       $7::uuid[], $8::text[], $9::text[], $10::timestamptz[], $11::timestamptz[],
       $12::timestamptz[], $13::timestamptz[], $14::timestamptz[], $15::timestamptz[],
       $16::text[], $17::text[], $18::integer[])
       AS r(id, direction, from_number, to_number, did, sip_call_id, flow_id, queue, agent,
         started_at, answered_at, enqueued_at, offered_at, bridged_at, ended_at, hangup_cause,
         disposition, sip_status)
     ON CONFLICT (id) DO UPDATE SET direction = excluded.direction,
       from_number = excluded.from_number, to_number = excluded.to_number, did = excluded.did,
       sip_call_id = excluded.sip_call_id, flow_id = excluded.flow_id,
       queue_id = excluded.queue_id, agent_id = excluded.agent_id,
       started_at = excluded.started_at, answered_at = excluded.answered_at,
       enqueued_at = excluded.enqueued_at,
       offered_at = LEAST(calls.offered_at, excluded.offered_at),
       bridged_at = excluded.bridged_at, ended_at = excluded.ended_at,
       hangup_cause = excluded.hangup_cause, disposition = excluded.disposition,
       sip_status = excluded.sip_status,
       instance_id = COALESCE(calls.instance_id, excluded.instance_id)
     WHERE calls.ended_at IS NULL OR excluded.ended_at IS NOT NULL
   ), upserted_legs AS (
     INSERT INTO call_legs (id, call_id, role, user_id, sip_uri, sip_call_id, media_uuid,
       started_at, answered_at, ended_at, hangup_cause, sip_status)
     SELECT r.id, r.call_id, r.role, (SELECT u.id FROM users u WHERE u.id::text = r.user_ref),
       r.sip_uri, r.sip_call_id, r.media_uuid, r.started_at, r.answered_at, r.ended_at,
       r.hangup_cause, r.sip_status
     FROM unnest($19::uuid[], $20::uuid[], $21::text[], $22::text[], $23::text[], $24::text[],
       $25::text[], $26::timestamptz[], $27::timestamptz[], $28::timestamptz[], $29::text[],
       $30::integer[])
       AS r(id, call_id, role, user_ref, sip_uri, sip_call_id, media_uuid, started_at,
         answered_at, ended_at, hangup_cause, sip_status)
     ON CONFLICT (id) DO UPDATE SET role = excluded.role, user_id = excluded.user_id,
       sip_uri = excluded.sip_uri, sip_call_id = excluded.sip_call_id,
       media_uuid = excluded.media_uuid, started_at = excluded.started_at,
       answered_at = excluded.answered_at, ended_at = excluded.ended_at,
       hangup_cause = excluded.hangup_cause, sip_status = excluded.sip_status
   ), inserted_events AS (
     INSERT INTO call_events (event_id, call_id, type, occurred_at, payload)
     SELECT * FROM unnest($31::text[], $32::uuid[], $33::text[], $34::timestamptz[],
       $35::jsonb[])
     ON CONFLICT (event_id) DO NOTHING
   ), marked_offers AS (
     UPDATE calls c SET offered_at = LEAST(c.offered_at, m.offered_at)
     FROM unnest($37::uuid[], $38::timestamptz[]) AS m(call_id, offered_at)
     WHERE c.id = m.call_id
   )
   SELECT m.call_id::text AS call_id FROM unnest($37::uuid[]) AS m(call_id)
   WHERE NOT EXISTS (SELECT 1 FROM calls c WHERE c.id = m.call_id)`,
);

/** The earlier of two times; LEAST in SQL ignores a null the same way. */
function earliest(a: Date | null, b: Date): Date {
  return a !== null && a < b ? a : b;
}

/** An optional time as text for a `timestamptz[]` parameter. */
const iso = (at: Date | null): string | null => (at === null ? null : at.toISOString());

/** Parameters $1-$18. */
function callColumns(calls: readonly CallSnapshot[]): unknown[][] {
  return [
    calls.map((c) => c.id),
    calls.map((c) => c.direction),
    calls.map((c) => c.fromNumber),
    calls.map((c) => c.toNumber),
    calls.map((c) => c.did),
    calls.map((c) => c.sipCallId),
    calls.map((c) => c.flowId),
    calls.map((c) => c.queueId),
    calls.map((c) => c.agentId),
    calls.map((c) => c.startedAt.toISOString()),
    calls.map((c) => iso(c.answeredAt)),
    calls.map((c) => iso(c.enqueuedAt)),
    calls.map((c) => iso(c.offeredAt)),
    calls.map((c) => iso(c.bridgedAt)),
    calls.map((c) => iso(c.endedAt)),
    calls.map((c) => c.hangupCause),
    calls.map((c) => c.disposition),
    calls.map((c) => c.sipStatus),
  ];
}

/** Parameters $19-$30. */
function legColumns(legs: readonly CallLegSnapshot[]): unknown[][] {
  return [
    legs.map((l) => l.id),
    legs.map((l) => l.callId),
    legs.map((l) => l.role),
    legs.map((l) => l.userId),
    legs.map((l) => l.sipUri),
    legs.map((l) => l.sipCallId),
    legs.map((l) => l.mediaUuid),
    legs.map((l) => l.startedAt.toISOString()),
    legs.map((l) => iso(l.answeredAt)),
    legs.map((l) => iso(l.endedAt)),
    legs.map((l) => l.hangupCause),
    legs.map((l) => l.sipStatus),
  ];
}

/** Parameters $31-$35. */
function eventColumns(events: readonly CallEventRecord[]): unknown[][] {
  return [
    events.map((e) => e.eventId),
    events.map((e) => e.callId),
    events.map((e) => e.type),
    events.map((e) => e.occurredAt.toISOString()),
    events.map((e) => JSON.stringify(e.payload)),
  ];
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
