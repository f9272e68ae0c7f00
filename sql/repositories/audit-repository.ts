import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../database.ts';
import type { AuditLogTable } from '../tables/conversation-tables.ts';

export type AuditRow = Selectable<AuditLogTable>;

export interface AuditInsert {
  readonly actor_id: string | null;
  readonly actor_label: string;
  readonly action: string;
  readonly target_type: string;
  readonly target_id: string | null;
  readonly source_address: string | null;
  readonly details: Record<string, unknown>;
}

export interface AuditFilter {
  readonly actorId?: string;
  readonly action?: string;
  readonly targetType?: string;
  readonly targetId?: string;
  readonly from?: Date;
  readonly to?: Date;
  /** Entries with an id below this (newest first paging). */
  readonly beforeId?: string;
  readonly limit: number;
}

/** The append-only audit log (the table's trigger refuses changes). */
export class AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(entry: AuditInsert): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({ ...entry, details: JSON.stringify(entry.details) })
      .execute();
  }

  list(filter: AuditFilter): Promise<AuditRow[]> {
    let query = this.db.selectFrom('audit_log').selectAll();
    if (filter.actorId !== undefined) query = query.where('actor_id', '=', filter.actorId);
    if (filter.action !== undefined) query = query.where('action', '=', filter.action);
    if (filter.targetType !== undefined) query = query.where('target_type', '=', filter.targetType);
    if (filter.targetId !== undefined) query = query.where('target_id', '=', filter.targetId);
    if (filter.from !== undefined) query = query.where('occurred_at', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('occurred_at', '<', filter.to);
    if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
    return query.orderBy('id', 'desc').limit(filter.limit).execute();
  }
}
