import type { Generated } from 'kysely';
import type { CreatedAt, Json, NullableTimestamp } from './people-tables.ts';

export type QueueStrategy =
  | 'longest-idle'
  | 'round-robin'
  | 'top-down'
  | 'fewest-calls'
  | 'least-talk-time'
  | 'ring-all'
  | 'random';

export interface BusinessHoursCalendarsTable {
  id: Generated<string>;
  name: string;
  time_zone: string;
  created_at: CreatedAt;
}

export interface BusinessHoursIntervalsTable {
  id: Generated<string>;
  calendar_id: string;
  /** 0 = Sunday ... 6 = Saturday. */
  weekday: number;
  /** Local time 'HH:MM:SS'. */
  opens_at: string;
  closes_at: string;
}

export interface BusinessHoursHolidaysTable {
  calendar_id: string;
  /** 'YYYY-MM-DD' local date. */
  day: string;
  name: Generated<string>;
}

export interface QueuesTable {
  id: Generated<string>;
  name: string;
  display_name: Generated<string>;
  strategy: Generated<QueueStrategy>;
  ring_timeout_seconds: Generated<number>;
  max_wait_seconds: Generated<number>;
  overflow_queue_id: string | null;
  wrap_up_seconds: Generated<number>;
  service_level_percent: Generated<number>;
  service_level_seconds: Generated<number>;
  max_missed_offers: Generated<number>;
  announce_every_seconds: Generated<number>;
  business_hours_id: string | null;
  team_id: string | null;
  /** An agent must give a disposition code to end wrap-up on this queue's calls. */
  wrap_up_code_required: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface QueueMembersTable {
  queue_id: string;
  user_id: string;
  position: Generated<number>;
}

export interface QueueSkillsTable {
  queue_id: string;
  skill_id: string;
  min_level: number;
}

export interface FlowsTable {
  id: Generated<string>;
  name: string;
  version: number;
  definition: Json<Record<string, unknown>>;
  source_format: Generated<'json' | 'yaml'>;
  published: Generated<boolean>;
  created_by: string | null;
  created_at: CreatedAt;
  published_by: string | null;
  published_at: NullableTimestamp;
}

export interface PhoneNumbersTable {
  id: Generated<string>;
  number: string;
  flow_name: string;
  description: Generated<string>;
  created_at: CreatedAt;
}
