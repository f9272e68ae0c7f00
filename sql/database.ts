import type {
  ApiTokensTable,
  SipCredentialsTable,
  SkillsTable,
  TeamsTable,
  TeamSupervisorsTable,
  UserSessionsTable,
  UserSkillsTable,
  UsersTable,
} from './tables/people-tables.ts';
import type {
  BusinessHoursCalendarsTable,
  BusinessHoursHolidaysTable,
  BusinessHoursIntervalsTable,
  FlowsTable,
  PhoneNumbersTable,
  QueueMembersTable,
  QueueSkillsTable,
  QueuesTable,
} from './tables/routing-tables.ts';
import type {
  ContactEmailsTable,
  ContactPhonesTable,
  ContactsTable,
} from './tables/customer-tables.ts';
import type {
  CallEventsTable,
  CallLegsTable,
  CallsTable,
  DispositionCodesTable,
  RecordingsTable,
} from './tables/call-tables.ts';
import type {
  AuditLogTable,
  ConversationsTable,
  CsatResponsesTable,
  KnowledgeArticlesTable,
  MessagesTable,
  SlaPoliciesTable,
  TicketEventsTable,
  TicketsTable,
} from './tables/conversation-tables.ts';

/** Every table Switchboard owns, as Kysely sees it; mirrors sql/migrations. */
export interface Database {
  teams: TeamsTable;
  users: UsersTable;
  team_supervisors: TeamSupervisorsTable;
  skills: SkillsTable;
  user_skills: UserSkillsTable;
  sip_credentials: SipCredentialsTable;
  user_sessions: UserSessionsTable;
  api_tokens: ApiTokensTable;
  business_hours_calendars: BusinessHoursCalendarsTable;
  business_hours_intervals: BusinessHoursIntervalsTable;
  business_hours_holidays: BusinessHoursHolidaysTable;
  queues: QueuesTable;
  queue_members: QueueMembersTable;
  queue_skills: QueueSkillsTable;
  flows: FlowsTable;
  phone_numbers: PhoneNumbersTable;
  contacts: ContactsTable;
  contact_phones: ContactPhonesTable;
  contact_emails: ContactEmailsTable;
  calls: CallsTable;
  call_legs: CallLegsTable;
  call_events: CallEventsTable;
  recordings: RecordingsTable;
  disposition_codes: DispositionCodesTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  sla_policies: SlaPoliciesTable;
  tickets: TicketsTable;
  ticket_events: TicketEventsTable;
  csat_responses: CsatResponsesTable;
  knowledge_articles: KnowledgeArticlesTable;
  audit_log: AuditLogTable;
}
