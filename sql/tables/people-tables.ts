import type { ColumnType, Generated } from 'kysely';

/** A timestamp the database fills in; pg returns Date, writes accept Date or ISO text. */
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;
export type Json<T> = ColumnType<T, string | T | undefined, string | T>;

export type UserRole = 'agent' | 'supervisor' | 'admin';

export interface TeamsTable {
  id: Generated<string>;
  name: string;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  display_name: string;
  role: UserRole;
  password_hash: string | null;
  team_id: string | null;
  voice_capacity: Generated<number>;
  chat_capacity: Generated<number>;
  email_capacity: Generated<number>;
  disabled_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
  /** Interface language of the user's desktop. */
  language: UserLanguage | null;
  /** IANA time zone the desktop shows times in. */
  time_zone: string | null;
  /** Accept offers without a click. */
  auto_accept: Generated<boolean>;
}

/** The languages the web app is translated into. */
export type UserLanguage = 'en' | 'zh-CN';

export interface TeamSupervisorsTable {
  team_id: string;
  user_id: string;
}

export interface SkillsTable {
  id: Generated<string>;
  name: string;
  description: Generated<string>;
}

export interface UserSkillsTable {
  user_id: string;
  skill_id: string;
  level: number;
}

export interface SipCredentialsTable {
  id: Generated<string>;
  user_id: string;
  username: string;
  realm: string;
  /** MD5(username:realm:password) as 32 hex digits; never the password. */
  ha1: string;
  created_at: CreatedAt;
}

export interface UserSessionsTable {
  id: Generated<string>;
  user_id: string;
  token_hash: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  ended_at: NullableTimestamp;
  source_address: string | null;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  token_hash: string;
  scopes: Generated<string[]>;
  created_at: CreatedAt;
  last_used_at: NullableTimestamp;
  expires_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}
