import type { Generated } from 'kysely';
import type { CreatedAt, Json, NullableTimestamp } from './people-tables.ts';

export type ConversationChannel = 'voice' | 'chat' | 'email';
export type ConversationStatus = 'open' | 'queued' | 'assigned' | 'closed';
export type TicketStatus = 'new' | 'open' | 'pending' | 'on-hold' | 'solved' | 'closed';
export type TicketPriority = 'low' | 'normal' | 'high' | 'urgent';
export type TicketEventType =
  | 'created'
  | 'status-changed'
  | 'priority-changed'
  | 'assigned'
  | 'commented'
  | 'merged'
  | 'sla-breached'
  | 'linked';

export interface ConversationsTable {
  id: Generated<string>;
  channel: ConversationChannel;
  status: Generated<ConversationStatus>;
  contact_id: string | null;
  queue_id: string | null;
  assignee_id: string | null;
  call_id: string | null;
  subject: Generated<string>;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
  closed_at: NullableTimestamp;
}

export interface MessagesTable {
  id: Generated<string>;
  conversation_id: string;
  direction: 'inbound' | 'outbound' | 'internal';
  author_user_id: string | null;
  author_contact_id: string | null;
  body: string;
  external_id: string | null;
  headers: Json<Record<string, string>>;
  created_at: CreatedAt;
}

export interface SlaPoliciesTable {
  id: Generated<string>;
  name: string;
  priority: TicketPriority;
  first_response_minutes: number;
  resolution_minutes: number;
  business_hours_id: string | null;
  created_at: CreatedAt;
}

export interface TicketsTable {
  id: Generated<string>;
  number: Generated<string>;
  subject: string;
  status: Generated<TicketStatus>;
  priority: Generated<TicketPriority>;
  requester_id: string | null;
  assignee_id: string | null;
  queue_id: string | null;
  conversation_id: string | null;
  sla_policy_id: string | null;
  first_response_due_at: NullableTimestamp;
  resolution_due_at: NullableTimestamp;
  first_responded_at: NullableTimestamp;
  solved_at: NullableTimestamp;
  merged_into_id: string | null;
  parent_id: string | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface TicketEventsTable {
  id: Generated<string>;
  ticket_id: string;
  actor_id: string | null;
  type: TicketEventType;
  details: Json<Record<string, unknown>>;
  occurred_at: CreatedAt;
}

export interface CsatResponsesTable {
  id: Generated<string>;
  conversation_id: string | null;
  call_id: string | null;
  ticket_id: string | null;
  agent_id: string | null;
  score: number;
  comment: Generated<string>;
  responded_at: CreatedAt;
}

export interface KnowledgeArticlesTable {
  id: Generated<string>;
  slug: string;
  title: string;
  body: string;
  tags: Generated<string[]>;
  status: Generated<'draft' | 'published' | 'archived'>;
  author_id: string | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface AuditLogTable {
  id: Generated<string>;
  actor_id: string | null;
  actor_label: string;
  action: string;
  target_type: string;
  target_id: string | null;
  occurred_at: CreatedAt;
  source_address: string | null;
  details: Json<Record<string, unknown>>;
}
