import type { Generated } from 'kysely';
import type { CreatedAt, Json, NullableTimestamp, Timestamp } from './people-tables.ts';

export type CallDirection = 'inbound' | 'outbound' | 'callback' | 'internal';
export type CallDisposition =
  | 'completed'
  /** Ended in the IVR without reaching a queue, voicemail or a callback (IVR containment). */
  | 'self-service'
  | 'abandoned'
  | 'voicemail'
  | 'transferred'
  | 'callback-requested'
  | 'no-answer'
  | 'busy'
  | 'failed'
  | 'rejected'
  | 'timed-out'
  | 'overflowed';
export type CallLegRole =
  | 'caller'
  | 'agent'
  | 'supervisor'
  | 'transfer'
  | 'callback-customer'
  /** The number an agent dialled (click-to-dial). */
  | 'outbound-customer';

export interface CallsTable {
  id: string;
  direction: CallDirection;
  from_number: string;
  to_number: string;
  did: string | null;
  sip_call_id: string | null;
  contact_id: string | null;
  flow_id: string | null;
  queue_id: string | null;
  agent_id: string | null;
  started_at: Timestamp;
  answered_at: NullableTimestamp;
  enqueued_at: NullableTimestamp;
  offered_at: NullableTimestamp;
  bridged_at: NullableTimestamp;
  ended_at: NullableTimestamp;
  hangup_cause: string | null;
  disposition: CallDisposition | null;
  wrap_up_code: string | null;
  /** The agent's wrap-up notes, card numbers and national ids scrubbed. */
  wrap_up_notes: string | null;
  sip_status: number | null;
  /** The Switchboard process that holds the call while it is live (`INSTANCE_ID`). */
  instance_id: string | null;
}

/** A wrap-up code agents may pick: global (`queue_id` null) or for one queue. */
export interface DispositionCodesTable {
  id: Generated<string>;
  code: string;
  label: string;
  queue_id: string | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
}

export interface CallLegsTable {
  id: string;
  call_id: string;
  role: CallLegRole;
  user_id: string | null;
  sip_uri: string;
  sip_call_id: string | null;
  media_uuid: string | null;
  started_at: Timestamp;
  answered_at: NullableTimestamp;
  ended_at: NullableTimestamp;
  hangup_cause: string | null;
  sip_status: number | null;
}

export interface CallEventsTable {
  /** Unique per event; replays are ignored. */
  event_id: string;
  call_id: string;
  type: string;
  occurred_at: Timestamp;
  payload: Json<Record<string, unknown>>;
}

export interface MaskedInterval {
  fromMs: number;
  toMs: number;
}

export interface RecordingsTable {
  id: Generated<string>;
  call_id: string;
  storage_uri: string;
  format: Generated<string>;
  channels: Generated<number>;
  started_at: Timestamp;
  duration_ms: number;
  bytes: string | number | bigint;
  sha256: string;
  masked_intervals: Json<MaskedInterval[]>;
  created_at: CreatedAt;
}
